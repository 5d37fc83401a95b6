"""Reads a department's topic `webcare.dept.<slug>` as server-sent events, resumable by id.

The department topic holds exactly one record per delivery (notify's
exactly-once guarantee), so it is what a live dashboard or inbox follows.
Each connection reads it with its own consumer that joins no group and
commits nothing: where a client stands travels in the event ids
(`stream_position.py`), so a reconnect with `Last-Event-ID` continues at the
next record, whichever history process answers it. Between records a comment
line goes out every `heartbeat_s` so proxies keep the connection open.

Each stream holds a Kafka consumer on the event loop that also runs the
projection, so they are capped (`StreamSlots`): so many per holder (an API key)
and so many in all; one more is refused before any consumer is made.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from prometheus_client import Gauge

from services.common.kafka import bootstrap_servers
from services.common.topics import TopicNames
from services.history.stream_position import Position, advanced, format_position

log = logging.getLogger(__name__)

OPEN_STREAMS = Gauge(
    "webcare_history_open_streams",
    "Server-sent event streams of department deliveries open right now.",
)
RETRY_MS = 3000  # what the client waits before reconnecting (the SSE `retry:` field)
ASSIGNMENT_WAIT_S = 30.0
ASSIGNMENT_POLLS = 10_000
_STOPPING: set[asyncio.Future[None]] = set()  # consumers stopping after their request ended


class StreamUnavailable(Exception):
    """The department topic could not be opened (broker down or topic missing)."""


class StreamsFull(Exception):
    """No stream slot: the holder's own (`per_holder`, 429) or the server's (`total`, 503)."""

    def __init__(self, status: int, problem: str, retry_after_s: int) -> None:
        super().__init__(problem)
        self.status = status
        self.problem = problem
        self.retry_after_s = retry_after_s


@dataclass
class StreamSlots:
    """How many streams are open, per holder and in all; 0 = no cap."""

    total: int = 100
    per_holder: int = 5
    retry_after_s: int = 10
    _open: Counter[str] = field(default_factory=Counter)
    _all: int = 0

    def acquire(self, holder: str | None) -> None:
        if holder is not None and self.per_holder and self._open[holder] >= self.per_holder:
            raise StreamsFull(
                429, f"{self.per_holder} streams are open for this key already", self.retry_after_s
            )
        if self.total and self._all >= self.total:
            raise StreamsFull(
                503, f"this server has {self.total} streams open already", self.retry_after_s
            )
        self._all += 1
        if holder is not None:
            self._open[holder] += 1
        OPEN_STREAMS.inc()

    def release(self, holder: str | None) -> None:
        self._all -= 1
        if holder is not None:
            self._open[holder] -= 1
            if self._open[holder] <= 0:
                del self._open[holder]
        OPEN_STREAMS.dec()


class EventStream:
    """An open stream's SSE text; `close` frees its consumer and slot, iterated or not.

    Ending the iteration any way (the client gone, the task cancelled, the iterator
    finalised by the event loop after it was dropped) closes it too.
    """

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        events: AsyncIterator[str],
        slots: StreamSlots,
        holder: str | None,
    ) -> None:
        self._consumer = consumer
        self._slots = slots
        self._holder = holder
        self._closed = False
        self._iterator = self._run(events)

    async def _run(self, events: AsyncIterator[str]) -> AsyncIterator[str]:
        try:
            async for text in events:
                yield text
        finally:
            await self.close()

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> str:
        return await self._iterator.__anext__()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._slots.release(self._holder)
        # Shielded: a cancelled request (anyio cancels every await in its scope) must still
        # stop its consumer; the stop goes on as a task of its own.
        stopping = asyncio.ensure_future(self._consumer.stop())
        _STOPPING.add(stopping)
        stopping.add_done_callback(_STOPPING.discard)
        await asyncio.shield(stopping)


def frame(event_id: str, event: str, data: str) -> str:
    """One SSE event; every line of the payload gets its own `data:` field."""
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"id: {event_id}\nevent: {event}\n{lines}\n"


@dataclass(frozen=True)
class DepartmentStreams:
    """Opens department streams; built once by the service and kept on the API context."""

    bootstrap: str
    topics: TopicNames
    heartbeat_s: float = 15.0
    slots: StreamSlots = field(default_factory=StreamSlots)

    async def open(
        self, department: str, start: Position | None, holder: str | None = None
    ) -> EventStream:
        """SSE text: everything after `start` (a client's Last-Event-ID), or from now on.

        Takes one of `holder`'s stream slots (and one of the server's), or raises StreamsFull.
        """
        self.slots.acquire(holder)
        try:
            return await self._open(department, start, holder)
        except BaseException:
            self.slots.release(holder)
            raise

    async def _open(
        self, department: str, start: Position | None, holder: str | None
    ) -> EventStream:
        topic = self.topics.department(department)
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap_servers(self.bootstrap),
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
        )
        try:
            await consumer.start()
            position = await self._seek(consumer, topic, start)
        except (TimeoutError, OSError, KafkaError) as err:
            await consumer.stop()
            raise StreamUnavailable(f"{topic}: {type(err).__name__}: {err}") from err
        return EventStream(consumer, self._events(consumer, position), self.slots, holder)

    async def _seek(
        self, consumer: AIOKafkaConsumer, topic: str, start: Position | None
    ) -> Position:
        # Subscribed without a group, aiokafka assigns itself every partition once it has
        # the topic's metadata; bounded wait, the caller answers 503 when it never comes.
        async with asyncio.timeout(ASSIGNMENT_WAIT_S):
            for _ in range(ASSIGNMENT_POLLS):
                if consumer.assignment():
                    break
                await asyncio.sleep(0.05)
        tps = sorted(consumer.assignment())
        if start is None:
            ends = await consumer.end_offsets(tps)
            position = {tp.partition: ends[tp] for tp in tps}
        else:
            # a partition the id does not name is read from its beginning: nothing is skipped
            position = {tp.partition: start.get(tp.partition, 0) for tp in tps}
        for tp in tps:
            consumer.seek(TopicPartition(topic, tp.partition), position[tp.partition])
        return position

    async def _events(self, consumer: AIOKafkaConsumer, position: Position) -> AsyncIterator[str]:
        yield f"retry: {RETRY_MS}\n: connected at {format_position(position)}\n\n"
        while True:
            batches = await consumer.getmany(timeout_ms=int(self.heartbeat_s * 1000))
            if not batches:
                yield ": heartbeat\n\n"
                continue
            for tp, records in sorted(batches.items()):
                for record in records:
                    position = advanced(position, tp.partition, record.offset)
                    value = record.value.decode("utf-8", errors="replace")
                    yield frame(format_position(position), "delivery", value)
