"""Reads what the pipeline wrote, with kafka-python, until enough arrived or time is up."""

from __future__ import annotations

import time
from collections.abc import Callable

from kafka import KafkaConsumer, KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord


def read_records(
    bootstrap: str,
    topic: str,
    until: Callable[[list[ConsumerRecord]], bool],
    timeout_s: float = 120.0,
) -> list[ConsumerRecord]:
    """Every record on `topic` from the start (keys, headers, tombstones with value None),
    once `until(records)` holds or the time is up."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=300,
    )
    records: list[ConsumerRecord] = []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline and not until(records):
            records.extend(consumer)
    finally:
        consumer.close()
    return records


def read_topic(
    bootstrap: str,
    topic: str,
    until: Callable[[list[bytes]], bool],
    timeout_s: float = 60.0,
) -> list[bytes]:
    """All values on `topic` from the start, once `until(values)` holds or the time is up."""
    records = read_records(bootstrap, topic, lambda rs: until(_values(rs)), timeout_s)
    return _values(records)


def _values(records: list[ConsumerRecord]) -> list[bytes]:
    """The values as they came, tombstones (None) included, as read_topic always gave them."""
    return [record.value for record in records]


def produce(bootstrap: str, topic: str, value: bytes, key: bytes | None = None) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        producer.send(topic, key=key, value=value).get(timeout=30)
    finally:
        producer.close()
