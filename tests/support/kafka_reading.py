"""Reads what the pipeline wrote, with kafka-python, until enough arrived or time is up."""

from __future__ import annotations

import time
from collections.abc import Callable

from kafka import KafkaConsumer, KafkaProducer


def read_topic(
    bootstrap: str,
    topic: str,
    until: Callable[[list[bytes]], bool],
    timeout_s: float = 60.0,
) -> list[bytes]:
    """All values on `topic` from the start, once `until(values)` holds or the time is up."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=500,
    )
    values: list[bytes] = []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline and not until(values):
            for record in consumer:
                values.append(record.value)
    finally:
        consumer.close()
    return values


def produce(bootstrap: str, topic: str, value: bytes, key: bytes | None = None) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        producer.send(topic, key=key, value=value).get(timeout=30)
    finally:
        producer.close()
