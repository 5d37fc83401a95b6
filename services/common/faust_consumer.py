"""A Faust consumer that reads a skipped range again instead of booking it as done.

Why: faust-streaming 0.15 treats any forward jump in a partition's offsets as
a hole in the log (records removed by compaction) and books the offsets in
between as acknowledged, so they are committed without ever reaching an
agent. On our topics such a jump is nearly always a *stale* record: after a
restart or a rebalance the worker seeks its partitions back to the committed
offsets while records fetched before the seek are still being handed out;
the first stale record jumps ahead of the new read offset, the records in
between are booked as done, and when they are fetched again they lie below
the read offset and are dropped. Mentions were lost that way in the crash
suite (tests/chaos: 228 mentions never routed; notify saw offsets 10-39 of
every partition vanish).

`JumpGuard` decides, record by record, what to do instead: a jump ahead of
the read offset makes the consumer seek back to the read offset and drop the
stale records until the re-read arrives. A jump that comes back the same
after such a re-read is real (compaction, retention, transaction markers) and
is delivered as Faust would. Re-reading repeats at most the record at the
read offset; every stage is idempotent by key, so that costs nothing.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP, Message

log = logging.getLogger(__name__)


class Verdict(Enum):
    DELIVER = "deliver"
    DROP = "drop"  # a stale record, while the re-read it caused is on its way
    REWIND = "rewind"  # drop it and seek the partition back to its read offset


@dataclass
class JumpGuard:
    """Per partition: whether the next record follows on, is stale, or jumps over a real hole."""

    _dropping: set[TP] = field(default_factory=set)
    _rewound: dict[TP, tuple[int, int]] = field(default_factory=dict)

    def verdict(self, tp: TP, offset: int, read_offset: int | None) -> Verdict:
        """`read_offset` is Faust's: the last offset handed out, or where a seek put it."""
        if read_offset is None or offset <= read_offset + 1:
            self._dropping.discard(tp)
            return Verdict.DELIVER
        if tp in self._dropping:
            return Verdict.DROP
        jump = (read_offset, offset)
        if self._rewound.get(tp) == jump:
            return Verdict.DELIVER  # read again and it jumps the same: the log has a hole there
        self._rewound[tp] = jump
        self._dropping.add(tp)
        return Verdict.REWIND

    def forget(self, tps: Iterable[TP]) -> None:
        """Partitions another worker now reads: what was remembered of them no longer holds."""
        for tp in tps:
            self._dropping.discard(tp)
            self._rewound.pop(tp, None)


class RereadingConsumer(faust_aiokafka.Consumer):
    """Faust's aiokafka consumer with a `JumpGuard` between the fetcher and the streams."""

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
                assert read_offset is not None
                await self._rewind(tp, read_offset, message.offset)

    async def _rewind(self, tp: TP, read_offset: int, stale_offset: int) -> None:
        log.warning(
            "stale record ahead of the read offset: reading the partition again from there",
            extra={
                "topic": tp.topic,
                "partition": tp.partition,
                "read_offset": read_offset,
                "stale_offset": stale_offset,
            },
        )
        try:
            await self.seek(tp, read_offset)
        except Exception:  # the partition went to another worker meanwhile: nothing to read
            log.info("rewind skipped: partition no longer assigned", exc_info=True)
            self.jump_guard.forget([tp])

    async def on_partitions_revoked(self, revoked: set[TP]) -> None:
        self.jump_guard.forget(revoked)
        await super().on_partitions_revoked(revoked)


class RereadingTransport(faust_aiokafka.Transport):
    Consumer = RereadingConsumer
