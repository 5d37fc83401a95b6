"""kafka-python producers and topic administration.

Producers are durable by construction (acks=all, idempotence); topics are
created explicitly with the configured partitions, never by auto-create.
"""

from __future__ import annotations

import logging
import time

from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaError, KafkaTimeoutError, TopicAlreadyExistsError

log = logging.getLogger(__name__)


def bootstrap_servers(bootstrap: str) -> list[str]:
    return [server.strip() for server in bootstrap.split(",") if server.strip()]


def durable_producer(bootstrap: str, client_id: str, **overrides: object) -> KafkaProducer:
    """A producer that loses nothing the broker acknowledged and writes nothing twice on retry."""
    config: dict[str, object] = {
        "bootstrap_servers": bootstrap_servers(bootstrap),
        "client_id": client_id,
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 5,
        "max_in_flight_requests_per_connection": 5,
        "request_timeout_ms": 15_000,
        "max_block_ms": 10_000,
        "bootstrap_timeout_ms": 10_000,
    }
    config.update(overrides)
    return KafkaProducer(**config)


def ensure_topics(
    bootstrap: str,
    topics: list[str],
    partitions: int,
    replication: int,
    timeout_s: float = 60.0,
) -> list[str]:
    """Create the topics that don't exist yet; returns the ones it created.

    Faust table changelogs (`*-changelog`) are compacted, as Faust itself would make them,
    and so are `*.cursors` topics.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            admin = KafkaAdminClient(
                bootstrap_servers=bootstrap_servers(bootstrap),
                client_id="webcare-admin",
                bootstrap_timeout_ms=5_000,
            )
            break
        except KafkaTimeoutError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)
    try:
        existing = set(admin.list_topics())
        missing = [name for name in topics if name not in existing]
        new_topics = [
            NewTopic(
                name=name,
                num_partitions=partitions,
                replication_factor=replication,
                topic_configs={"cleanup.policy": "compact"} if _compacted(name) else {},
            )
            for name in missing
        ]
        if new_topics:
            try:
                admin.create_topics(new_topics=new_topics, validate_only=False)
            except TopicAlreadyExistsError:
                log.info("topics created concurrently", extra={"topics": missing})
            _wait_for_metadata(admin, missing, deadline)
        return missing
    finally:
        admin.close()


def _compacted(name: str) -> bool:
    """Topics that hold the latest value per key: Faust changelogs, ingest cursors, classify's
    corrections and control."""
    return name.endswith(("-changelog", ".cursors", ".corrections", ".control"))


def _wait_for_metadata(admin: KafkaAdminClient, names: list[str], deadline: float) -> None:
    while True:
        try:
            described = admin.describe_topics(names)
            if all(t.get("error_code", 0) == 0 and t.get("partitions") for t in described):
                return
        except KafkaError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"topics not ready in time: {names}")
        time.sleep(0.2)
