"""Writes the API's conversation events to Kafka, the one place every service reads them from.

A kafka-python durable producer (acks=all, idempotence), keyed by
relationship id so a person's events stay in order on one partition. Blocking:
the API calls it from its threadpool. Connected lazily, so the API starts
(and reads) while the broker is still coming up.
"""

from __future__ import annotations

import threading

from kafka import KafkaProducer
from kafka.errors import KafkaError

from schemas import ConversationEvent
from services.common.kafka import durable_producer


class PublishFailed(Exception):
    """Kafka did not acknowledge the event; nothing was changed."""


class EventPublisher:
    def __init__(self, bootstrap: str, topic: str, timeout_s: float = 10.0) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.timeout_s = timeout_s
        self._producer: KafkaProducer | None = None
        self._lock = threading.Lock()

    def _connected(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None:
                self._producer = durable_producer(self.bootstrap, "webcare-history-api")
            return self._producer

    def publish(self, event: ConversationEvent) -> None:
        try:
            future = self._connected().send(
                self.topic,
                key=event.relationship_id.encode(),
                value=event.model_dump_json().encode(),
            )
            future.get(timeout=self.timeout_s)
        except KafkaError as err:
            raise PublishFailed(f"{type(err).__name__}: {err}") from err

    def close(self) -> None:
        with self._lock:
            if self._producer is not None:
                self._producer.close(timeout=5)
                self._producer = None
