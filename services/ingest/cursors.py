"""Where each connector stopped, kept in a compacted Kafka topic (`<prefix>.ingest.cursors`).

Key: the connector's name (`bluesky:wss://…`, `mastodon:https://…`, `rss:https://…`);
value: a JSON object only that connector understands. A cursor is written only
after the mentions before it are acknowledged by Kafka, so a restart resumes
at or before the last published event: nothing is skipped, and what is read
twice has the same mention id, which downstream treats as a no-op.

A record that is not a cursor (a key that is not UTF-8, a value that is not a
JSON object) is dead-lettered with its topic, partition, offset, key and bytes
and skipped: the connector keeps the cursor before it (or none, and starts
afresh), so one bad record on the topic never keeps every connector from
starting. Compaction keeps such a record until its key gets a newer value, so
it is dead-lettered again at each start.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError

from services.common.kafka import bootstrap_servers

log = logging.getLogger(__name__)


class CursorStoreError(RuntimeError):
    """The cursor topic could not be read or written."""


class DeadLetterWriter(Protocol):
    """Where records that are not cursors go (`MentionPublisher` is one)."""

    def dead_letter(
        self,
        original: bytes,
        reason: str,
        detail: str,
        source: str,
        *,
        topic: str | None = None,
        partition: int | None = None,
        offset: int | None = None,
        key: bytes | None = None,
    ) -> None: ...


class JunkCursor(ValueError):
    """A cursor record that no connector wrote: its key or value cannot be read."""


def connector_name(key: bytes) -> str:
    try:
        return key.decode()
    except UnicodeDecodeError as err:
        raise JunkCursor(f"key is not UTF-8: {err}") from err


def decode(key: bytes, value: bytes) -> tuple[str, dict[str, Any]]:
    """A cursor record's connector name and cursor; raises JunkCursor saying what is wrong."""
    name = connector_name(key)
    try:
        cursor = json.loads(value)
    except (ValueError, RecursionError) as err:
        raise JunkCursor(f"value is not JSON: {type(err).__name__}: {err}"[:500]) from err
    if not isinstance(cursor, dict):
        raise JunkCursor(f"value is JSON {type(cursor).__name__}, not an object")
    return name, cursor


def _read(record: ConsumerRecord, cursors: dict[str, Any], dead_letters: DeadLetterWriter) -> None:
    """Applies one record of the cursor topic to `cursors`; a junk record is dead-lettered."""
    if record.key is None:
        return
    try:
        if record.value is None:
            cursors.pop(connector_name(record.key), None)
        else:
            name, cursor = decode(record.key, record.value)
            cursors[name] = cursor
    except JunkCursor as err:
        log.warning(
            "junk cursor record skipped",
            extra={"topic": record.topic, "partition": record.partition, "offset": record.offset},
        )
        dead_letters.dead_letter(
            record.value or b"",
            "invalid_cursor",
            str(err),
            "cursors",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
        )


def load_cursors(
    bootstrap: str, topic: str, dead_letters: DeadLetterWriter, timeout_s: float = 30.0
) -> dict[str, Any]:
    """The latest value per key, read from the beginning of the topic to its current end."""
    try:
        consumer = KafkaConsumer(
            bootstrap_servers=bootstrap_servers(bootstrap),
            enable_auto_commit=False,
            group_id=None,
            request_timeout_ms=int(timeout_s * 1000) + 1000,
        )
    except KafkaError as err:
        raise CursorStoreError(f"Kafka unreachable: {type(err).__name__}") from err
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            raise CursorStoreError(f"cursor topic {topic!r} does not exist")
        assigned = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        ends = consumer.end_offsets(assigned)
        cursors: dict[str, Any] = {}
        remaining = {tp for tp in assigned if ends[tp] > 0}
        while remaining:
            batch = consumer.poll(timeout_ms=int(timeout_s * 1000))
            if not batch:
                raise CursorStoreError(f"cursor topic {topic!r} not read to its end in time")
            for tp, records in batch.items():
                for record in records:
                    _read(record, cursors, dead_letters)
                if consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        return cursors
    except KafkaError as err:
        raise CursorStoreError(f"cursor topic unreadable: {type(err).__name__}") from err
    finally:
        consumer.close()


class CursorStore:
    """Cursors of every connector of this ingest process: loaded once, saved after each batch."""

    def __init__(self, producer: KafkaProducer, topic: str, initial: dict[str, Any]) -> None:
        self._producer = producer
        self.topic = topic
        self._cursors = dict(initial)

    def get(self, name: str) -> Any:
        return self._cursors.get(name)

    def record(self, name: str, value: Any) -> tuple[str, bytes, bytes]:
        """The cursor as a record, to be sent with the mentions it covers (see `mark`)."""
        return self.topic, name.encode(), json.dumps(value).encode()

    def mark(self, name: str, value: Any) -> None:
        """Notes a cursor Kafka has acknowledged as part of a publish."""
        self._cursors[name] = value

    def save(self, name: str, value: Any, timeout_s: float = 15.0) -> None:
        """Blocks until Kafka has the cursor; called from a worker thread."""
        if self._cursors.get(name) == value:
            return
        try:
            future = self._producer.send(
                self.topic, key=name.encode(), value=json.dumps(value).encode()
            )
            future.get(timeout=timeout_s)
        except KafkaError as err:
            raise CursorStoreError(f"cursor not saved: {type(err).__name__}") from err
        self._cursors[name] = value
