"""A Faust consumer that hands a partition's records to the streams in order after every seek.

Why: after a restart or a rebalance, Faust seeks its partitions back to the
committed offsets while records fetched *before* the seek are still being
handed out. Faust judges those stale records only against its read offset,
and gets both cases wrong:
- a stale record far ahead of the seek offset looks like a hole in the log:
  Faust books the offsets in between as acknowledged (as if compaction had
  removed them), they are committed without ever reaching an agent, and when
  they are fetched again they lie below the read offset and are dropped.
  Mentions were lost that way (tests/chaos in CI: 228 mentions never routed;
  notify saw offsets 10-39 of every partition vanish);
- a stale record right after the seek offset is handed out, so the record
  *at* the seek offset is dropped when it is fetched again: never acked, it
  holds the committed offset where it is while the stream goes on past it,
  a stall that survives restarts (seen in the chaos suite).

`JumpGuard` keeps, per partition, the offset the next record must have after
a seek; a record from before the seek is dropped, and a record past it makes
the consumer seek there again and drop until the re-read arrives. A jump that
comes back the same after such a re-read is real (compaction, retention,
transaction markers) and is delivered as Faust would. The stages are
idempotent by key, so reading a record twice costs nothing.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP, Message

log = logging.getLogger(__name__)


class Verdict(Enum):
    DELIVER = "deliver"
    DROP = "drop"  # fetched before the last seek: the re-read brings it again, in order
    REWIND = "rewind"  # drop it and seek the partition to `JumpGuard.rewind_to`


@dataclass
class JumpGuard:
    """Per partition: whether the next record is the one expected, stale, or past a real hole."""

    _expected: dict[TP, int] = field(default_factory=dict)  # after a seek: the next offset
    _dropping: set[TP] = field(default_factory=set)
    _rewound: dict[TP, tuple[int, int]] = field(default_factory=dict)

    def sought(self, tp: TP, offset: int) -> None:
        """The consumer's position for `tp` was set to `offset`: the next record must be it."""
        if self._expected.get(tp) != offset:
            self._dropping.discard(tp)
        self._expected[tp] = offset

    def rewind_to(self, tp: TP) -> int:
        return self._expected[tp]

    def verdict(self, tp: TP, offset: int, read_offset: int | None) -> Verdict:
        """`read_offset` is Faust's: the last offset handed out (None before the first)."""
        expected = self._expected.get(tp)
        if expected is None:
            if read_offset is None or offset <= read_offset + 1:
                return Verdict.DELIVER
            expected = read_offset + 1  # a jump with no seek before it
        elif offset == expected:
            self._arrived(tp)
            return Verdict.DELIVER
        elif offset < expected:
            return Verdict.DROP
        jump = (expected, offset)
        if self._rewound.get(tp) == jump:
            self._arrived(tp)  # read again from `expected`, it jumps the same: the log has a hole
            return Verdict.DELIVER
        if tp in self._dropping:
            return Verdict.DROP
        self._rewound[tp] = jump
        self._dropping.add(tp)
        self._expected[tp] = expected
        return Verdict.REWIND

    def _arrived(self, tp: TP) -> None:
        """The partition reads in order again. A jump remembered from a rewind is no evidence
        of a hole after this: a later stale jump that looks the same must be re-read too."""
        self._expected.pop(tp, None)
        self._dropping.discard(tp)
        self._rewound.pop(tp, None)

    def forget(self, tps: Iterable[TP]) -> None:
        """Partitions another worker now reads: what was remembered of them no longer holds."""
        for tp in tps:
            self._arrived(tp)
            self._rewound.pop(tp, None)


@dataclass(frozen=True)
class FetchSettings:
    """How long the broker may hold a fetch, and how much it waits for meanwhile."""

    min_bytes: int = 1
    max_wait_ms: int = 1500  # what faust-streaming hard-codes


class ShortPollConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    """Faust's consumer thread, with the fetch wait and size of the app's `fetch_settings`.

    Why: faust-streaming fixes fetch_max_wait_ms at 1500. aiokafka leaves a
    partition out of the next fetch while records of it are still buffered, so
    records that arrive for it meanwhile wait until the fetch in flight for the
    other partitions comes back: up to 1.5 s per hop, four hops to a
    department (p99 2-3 s at 100 mentions/s in bench/pipeline.py). A short wait
    bounds that; a minimum size keeps the broker from answering every record
    with a fetch of its own.
    """

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        fetch = getattr(self.app, "fetch_settings", None)
        if isinstance(fetch, FetchSettings):  # read by AIOKafkaConsumer.start
            consumer._fetch_min_bytes = fetch.min_bytes
            consumer._fetch_max_wait_ms = fetch.max_wait_ms
        return consumer


class RereadingConsumer(faust_aiokafka.Consumer):
    """Faust's aiokafka consumer with a `JumpGuard` between the fetcher and the streams."""

    def _new_consumer_thread(self) -> ShortPollConsumerThread:
        return ShortPollConsumerThread(self, loop=self.loop, beacon=self.beacon)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.jump_guard = JumpGuard()

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Message]]:  # noqa: ASYNC109
        # Faust's drain loop sets the read offset after handing out each record,
        # before it asks for the next one: the guard always sees the current value.
        acks_enabled_for = self.app.topics.acks_enabled_for
        async for tp, message in super().getmany(timeout):
            if not acks_enabled_for(message.topic):  # changelogs: Faust's own rules
                yield tp, message
                continue
            read_offset = self._read_offset[tp]
            verdict = self.jump_guard.verdict(tp, message.offset, read_offset)
            if verdict is Verdict.DELIVER:
                yield tp, message
            elif verdict is Verdict.REWIND:
                await self._rewind(tp, message.offset)

    async def _rewind(self, tp: TP, stale_offset: int) -> None:
        offset = self.jump_guard.rewind_to(tp)
        log.warning(
            "record out of order after a seek: reading the partition again from the seek offset",
            extra={
                "topic": tp.topic,
                "partition": tp.partition,
                "seek_offset": offset,
                "stale_offset": stale_offset,
            },
        )
        try:
            await self.seek(tp, offset)
        except Exception:  # the partition went to another worker meanwhile: nothing to read
            log.info("rewind skipped: partition no longer assigned", exc_info=True)
            self.jump_guard.forget([tp])

    async def seek(self, partition: TP, offset: int) -> None:
        await super().seek(partition, offset)
        self.jump_guard.sought(TP(partition.topic, partition.partition), offset)

    async def seek_to_committed(self) -> Mapping[TP, int]:
        committed = await super().seek_to_committed()
        for tp, offset in committed.items():
            if offset is not None and offset >= 0:
                self.jump_guard.sought(TP(tp.topic, tp.partition), offset)
        return committed

    async def on_partitions_revoked(self, revoked: set[TP]) -> None:
        self.jump_guard.forget(revoked)
        await super().on_partitions_revoked(revoked)


class RereadingTransport(faust_aiokafka.Transport):
    Consumer = RereadingConsumer
