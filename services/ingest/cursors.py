"""Where each connector stopped, kept in a compacted Kafka topic (`<prefix>.ingest.cursors`).

Key: the connector's name (`bluesky:wss://…`, `mastodon:https://…`, `rss:https://…`);
value: a JSON object only that connector understands. A cursor is written only
after the mentions before it are acknowledged by Kafka, so a restart resumes
at or before the last published event: nothing is skipped, and what is read
twice has the same mention id, which downstream treats as a no-op.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from services.common.kafka import bootstrap_servers

log = logging.getLogger(__name__)


class CursorStoreError(RuntimeError):
    """The cursor topic could not be read or written."""


def load_cursors(bootstrap: str, topic: str, timeout_s: float = 30.0) -> dict[str, Any]:
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
                    if record.key is None:
                        continue
                    key = record.key.decode()
                    if record.value is None:
                        cursors.pop(key, None)
                    else:
                        cursors[key] = json.loads(record.value)
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
