"""Publishes mentions to Kafka and waits for the broker's acknowledgement.

A 202 from the HTTP endpoint means the mentions are on the broker (acks=all);
anything less is a 503 and the client sends again (ids make that idempotent).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from kafka import KafkaProducer
from kafka.errors import KafkaError
from prometheus_client import Counter

from schemas import DeadLetter, Mention
from services.common.kafka import durable_producer
from services.common.metrics import DEAD_LETTERS
from services.common.topics import TopicNames
from services.ingest.metrics import saw_event

log = logging.getLogger(__name__)

INGESTED = Counter("webcare_ingested_total", "Mentions accepted onto the raw topic.", ["source"])
REJECTED = Counter("webcare_ingest_rejected_total", "Inputs ingest refused.", ["source", "reason"])


class PublishFailed(RuntimeError):
    """Kafka did not acknowledge in time; nothing may be reported as accepted."""


class MentionPublisher:
    STAGE = "ingest"

    def __init__(
        self, connect: Callable[[], KafkaProducer], topics: TopicNames, timeout_s: float
    ) -> None:
        self._connect = connect
        self._producer: KafkaProducer | None = None
        self._lock = threading.Lock()
        self.topics = topics
        self.timeout_s = timeout_s

    @classmethod
    def connect(cls, bootstrap: str, topics: TopicNames, timeout_s: float) -> MentionPublisher:
        """Connects on first use, so ingest starts (and answers 503) while Kafka is down."""
        return cls(lambda: durable_producer(bootstrap, "webcare-ingest"), topics, timeout_s)

    @property
    def producer(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None:
                self._producer = self._connect()
            return self._producer

    def publish(
        self, mentions: Sequence[Mention], also: Sequence[tuple[str, bytes, bytes]] = ()
    ) -> None:
        """Sends and waits for acks=all; `also` (topic, key, value) are sent alongside.

        Connectors pass their cursor in `also`: written in the same round trip as
        the mentions it covers, the window in which a crash leaves them apart is tiny.
        Waiting on this call's own futures (not `flush`, which waits for every
        thread's records) keeps concurrent requests from queueing behind each other.
        """
        try:
            producer = self.producer
            futures = [
                producer.send(
                    self.topics.raw,
                    key=m.relationship_id.encode(),
                    value=m.model_dump_json().encode(),
                )
                for m in mentions
            ]
            futures += [producer.send(topic, key=key, value=value) for topic, key, value in also]
            deadline = time.monotonic() + self.timeout_s
            for future in futures:
                future.get(timeout=max(0.0, deadline - time.monotonic()))
        except KafkaError as err:
            raise PublishFailed(f"Kafka did not acknowledge: {type(err).__name__}") from err
        for m in mentions:
            INGESTED.labels(source=m.source).inc()
            log.debug("published", extra={"mention_id": m.id, "source": m.source})
            saw_event(m.source, m.created_at.timestamp())

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
    ) -> None:
        """Keeps refused input on record; best effort, since the client already got a 4xx.

        `topic`, `partition`, `offset` and `key` say where input read from Kafka came from.
        """
        REJECTED.labels(source=source, reason=reason).inc()
        DEAD_LETTERS.labels(stage=self.STAGE, reason=reason).inc()
        letter = DeadLetter.of(
            stage=self.STAGE,
            reason=reason,
            detail=detail,
            original=original,
            topic=topic,
            partition=partition,
            offset=offset,
            key=key,
            at=datetime.now(UTC),
        )
        try:
            self.producer.send(self.topics.dlq, value=letter.model_dump_json().encode())
        except KafkaError as err:
            # The client was told 4xx and keeps its input; only our copy of it is missing.
            log.warning("dead letter not written", extra={"reason": reason, "error": str(err)})

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=self.timeout_s)
