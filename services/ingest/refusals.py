"""Refused webhook bodies onto the dead-letter topic, at a bounded rate, off the event loop.

Anyone who reaches ingest can have a body refused, so writing each one to
Kafka from the request would let a flood fill the dead-letter topic and, with
the broker away, block the event loop for up to the producer's `max_block_ms`
per request. Instead a refusal takes a token (`rate` a second, `burst` at
once) and goes into a bounded queue that one background task writes from, in
a thread. What finds no token or no room is counted in
`webcare_ingest_dead_letters_dropped_total` and summed up in one log line per
`report_every_s`. The client has its 4xx either way; only our copy is missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter as Tally
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from prometheus_client import Counter

from services.common.rate_limit import TokenBuckets
from services.ingest.publisher import REJECTED, MentionPublisher

log = logging.getLogger(__name__)

DROPPED = Counter(
    "webcare_ingest_dead_letters_dropped_total",
    "Refused webhook bodies not written to the dead-letter topic (over its rate or queue).",
    ["reason"],
)


@dataclass(frozen=True)
class Refusal:
    body: bytes
    reason: str
    detail: str
    source: str


class RefusalLetters:
    """`offer` never waits; `run` (a task for the app's lifetime) writes what was offered."""

    def __init__(
        self,
        publisher: MentionPublisher,
        rate: float = 10.0,
        burst: float = 50.0,
        queue_size: int = 1000,
        report_every_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.publisher = publisher
        self.tokens = TokenBuckets(rate, burst, max_keys=1)
        self.queue: asyncio.Queue[Refusal] = asyncio.Queue(maxsize=queue_size)
        self.report_every_s = report_every_s
        self.clock = clock
        self.dropped: Tally[str] = Tally()
        self._reported_at = clock()

    def offer(self, refusal: Refusal) -> bool:
        """Queues the refusal for the dead-letter topic; False when it is dropped instead."""
        now = self.clock()
        allowed = not self.tokens.enabled or self.tokens.take("dlq", now) == 0.0
        if allowed:
            try:
                self.queue.put_nowait(refusal)
            except asyncio.QueueFull:
                allowed = False
        if not allowed:
            REJECTED.labels(source=refusal.source, reason=refusal.reason).inc()
            DROPPED.labels(reason=refusal.reason).inc()
            self.dropped[refusal.reason] += 1
        self._report(now)
        return allowed

    def _report(self, now: float) -> None:
        if now - self._reported_at < self.report_every_s:
            return
        if self.dropped:
            log.warning(
                "refused bodies not dead-lettered",
                extra={
                    "dropped": dict(self.dropped),
                    "interval_s": round(now - self._reported_at, 1),
                },
            )
            self.dropped.clear()
        self._reported_at = now

    async def run(self) -> None:
        """Writes queued refusals one at a time; a broker away slows this task, not requests."""
        while True:
            refusal = await self.queue.get()
            try:
                await asyncio.to_thread(
                    self.publisher.dead_letter,
                    refusal.body,
                    refusal.reason,
                    refusal.detail,
                    refusal.source,
                )
            finally:
                self.queue.task_done()
            self._report(self.clock())

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        task = asyncio.create_task(self.run(), name="refusal-letters")
        try:
            yield
        finally:
            # what is still queued gets a short chance to reach Kafka on a graceful stop
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(2.0):
                    await self.queue.join()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
