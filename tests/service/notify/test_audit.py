"""The department-topic audit that settles deliveries left in doubt by a crash."""

from __future__ import annotations

import asyncio
import time

import pytest
from kafka import KafkaProducer

from services.common.kafka import ensure_topics
from services.notify.audit import DELIVERY_ID_HEADER, QueueAudit

pytestmark = pytest.mark.kafka


def test_finds_a_delivery_by_its_header_only_after_the_given_time(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    topic = f"{topic_prefix}.dept.service"
    ensure_topics(kafka_bootstrap, [topic], 3, 1)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    before = int(time.time() * 1000)
    for n in range(30):
        producer.send(
            topic,
            key=f"rel-{n % 7}".encode(),
            value=b"{}",
            headers=[(DELIVERY_ID_HEADER, f"x:{n}|service".encode())],
        )
    producer.flush()
    producer.close()
    audit = QueueAudit(kafka_bootstrap)

    async def check() -> tuple[bool, bool, bool, bool]:
        return (
            await audit.contains(topic, "x:0|service", before - 60_000),
            await audit.contains(topic, "x:29|service", before - 60_000),
            await audit.contains(topic, "x:30|service", before - 60_000),
            await audit.contains(topic, "x:5|service", before + 3_600_000),
        )

    assert asyncio.run(check()) == (True, True, False, False)
