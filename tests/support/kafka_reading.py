"""Reads what the pipeline wrote, with kafka-python, until enough arrived or time is up."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import cast

from kafka import KafkaConsumer, KafkaProducer


def read_topic(
    bootstrap: str,
    topic: str,
    until: Callable[[list[bytes]], bool],
    timeout_s: float = 60.0,
) -> list[bytes]:
    """All values on `topic` from the start, once `until(values)` holds or the time is up."""
    records = read_keyed(bootstrap, topic, lambda rs: until(_values(rs)), timeout_s)
    return _values(records)


def _values(records: list[Keyed]) -> list[bytes]:
    """The values as they came, tombstones (None) included, as read_topic always gave them."""
    return cast(list[bytes], [value for _, value in records])


Keyed = tuple[bytes | None, bytes | None]


def read_keyed(
    bootstrap: str,
    topic: str,
    until: Callable[[list[Keyed]], bool],
    timeout_s: float = 60.0,
) -> list[Keyed]:
    """All (key, value) records on `topic` from the start (a tombstone's value is None), once
    `until(records)` holds or the time is up."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=500,
    )
    records: list[Keyed] = []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline and not until(records):
            for record in consumer:
                records.append((record.key, record.value))
    finally:
        consumer.close()
    return records


def produce(bootstrap: str, topic: str, value: bytes, key: bytes | None = None) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        producer.send(topic, key=key, value=value).get(timeout=30)
    finally:
        producer.close()
