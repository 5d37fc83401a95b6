"""Per-target protection: exponential back-off with jitter, a circuit breaker, a token bucket.

Pure and clock-free: every decision takes `now` (monotonic seconds), so the
policies are tested with tables of times instead of sleeps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


def backoff_delay(attempt: int, base_s: float, cap_s: float, rng: random.Random) -> float:
    """Delay before retry number `attempt` (1 = first retry): full jitter on base*2^(n-1), capped.

    Full jitter spreads the retries of many failing deliveries so a recovering
    target is not hit by all of them at once.
    """
    ceiling = min(cap_s, base_s * 2 ** (attempt - 1))
    return rng.uniform(ceiling / 2, ceiling)


@dataclass
class CircuitBreaker:
    """Stops calling a target after `threshold` failures in a row, tries again after `cooldown_s`.

    closed: calls go through. open: calls are refused until the cool-down is
    over. half-open: one trial call; success closes, failure opens again.
    """

    threshold: int
    cooldown_s: float
    failures: int = 0
    opened_at: float | None = None
    trial_running: bool = False

    def state(self, now: float) -> str:
        if self.opened_at is None:
            return "closed"
        if now - self.opened_at < self.cooldown_s:
            return "open"
        return "half_open"

    def allow(self, now: float) -> bool:
        state = self.state(now)
        if state == "closed":
            return True
        if state == "half_open" and not self.trial_running:
            self.trial_running = True
            return True
        return False

    def success(self) -> None:
        self.failures = 0
        self.opened_at = None
        self.trial_running = False

    def failure(self, now: float) -> None:
        self.failures += 1
        self.trial_running = False
        if self.opened_at is not None or self.failures >= self.threshold:
            self.opened_at = now


@dataclass
class TokenBucket:
    """At most `rate` calls a second on average and `burst` at once; says how long to wait."""

    rate: float
    burst: int
    tokens: float = field(default=-1.0)
    updated_at: float | None = None

    def wait_time(self, now: float) -> float:
        """Seconds until a token is free; 0 means take it now (and it is taken)."""
        if self.updated_at is None:
            self.tokens = float(self.burst)
        else:
            self.tokens = min(self.burst, self.tokens + (now - self.updated_at) * self.rate)
        self.updated_at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate
