"""Delivers to one push target with bounded retries, back-off, a circuit breaker and a rate limit.

Transport-agnostic: the caller passes `once(number) -> Attempt` (an HTTP POST
or an SMTP transaction). State (breaker, bucket) is kept per target in memory:
after a restart a target starts closed and with a full bucket, which is safe.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from services.common.organisation_push import RateLimit
from services.notify.reliability import CircuitBreaker, TokenBucket, backoff_delay
from services.notify.targets import Target
from services.notify.webhook import Attempt

CIRCUIT_OPEN = "circuit open: target failed repeatedly, left alone until the cool-down is over"
MAX_RATE_WAITS = 1000  # a bucket always frees a token eventually; this only bounds the loop


@dataclass
class Guard:
    breaker: CircuitBreaker
    bucket: TokenBucket
    in_flight: (
        asyncio.Semaphore
    )  # notify handles decisions side by side: bound what one target gets


@dataclass(frozen=True)
class Outcome:
    attempts: list[Attempt]
    circuit_open: bool = False

    @property
    def ok(self) -> bool:
        return bool(self.attempts) and self.attempts[-1].ok


@dataclass
class Deliverer:
    attempts: int
    base_s: float
    cap_s: float
    breaker_threshold: int
    breaker_cooldown_s: float
    rate_per_second: float
    rate_burst: int
    per_target_at_once: int = 2
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    guards: dict[tuple[str, str], Guard] = field(default_factory=dict)

    def guard(self, target: Target, limit: RateLimit | None) -> Guard:
        key = (target.channel, target.address)
        if key not in self.guards:
            rate = limit.per_second if limit else self.rate_per_second
            burst = limit.burst if limit else self.rate_burst
            self.guards[key] = Guard(
                CircuitBreaker(self.breaker_threshold, self.breaker_cooldown_s),
                TokenBucket(rate, burst),
                asyncio.Semaphore(self.per_target_at_once),
            )
        return self.guards[key]

    async def deliver(
        self,
        target: Target,
        once: Callable[[int], Awaitable[Attempt]],
        limit: RateLimit | None = None,
    ) -> Outcome:
        """Tries until success, a final refusal, the last attempt or an open circuit."""
        guard = self.guard(target, limit)
        made: list[Attempt] = []
        for number in range(1, self.attempts + 1):
            if not guard.breaker.allow(self.clock()):
                if not made:
                    made.append(Attempt(number, False, None, CIRCUIT_OPEN, retryable=False))
                return Outcome(made, circuit_open=True)
            async with guard.in_flight:
                await self._take_token(guard.bucket)
                attempt = await once(number)
            made.append(attempt)
            if attempt.ok:
                guard.breaker.success()
                break
            guard.breaker.failure(self.clock())
            if not attempt.retryable:
                break
            if number < self.attempts:
                await self.sleep(backoff_delay(number, self.base_s, self.cap_s, self.rng))
        return Outcome(made)

    async def _take_token(self, bucket: TokenBucket) -> None:
        for _ in range(MAX_RATE_WAITS):
            wait = bucket.wait_time(self.clock())
            if wait <= 0:
                return
            await self.sleep(wait)
