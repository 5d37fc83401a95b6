"""Reads a department's topic `webcare.dept.<slug>` as server-sent events, resumable by id.

The department topic holds exactly one record per delivery (notify's
exactly-once guarantee), so it is what a live dashboard or inbox follows.
Each connection reads it with its own consumer that joins no group and
commits nothing: where a client stands travels in the event ids
(`stream_position.py`), so a reconnect with `Last-Event-ID` continues at the
next record, whichever history process answers it. Between records a comment
line goes out every `heartbeat_s` so proxies keep the connection open.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

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


class StreamUnavailable(Exception):
    """The department topic could not be opened (broker down or topic missing)."""


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

    async def open(self, department: str, start: Position | None) -> AsyncIterator[str]:
        """SSE text: everything after `start` (a client's Last-Event-ID), or from now on."""
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
        return self._events(consumer, position)

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
        OPEN_STREAMS.inc()
        try:
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
        finally:
            OPEN_STREAMS.dec()
            await consumer.stop()
