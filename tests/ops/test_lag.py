"""Consumer lag: the arithmetic as a table, and the offset reader against the real broker."""

from __future__ import annotations

import time

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

from services.common.kafka import ensure_topics
from services.common.lag import OffsetReader, lag_per_topic

A0, A1, B0 = TopicPartition("a", 0), TopicPartition("a", 1), TopicPartition("b", 0)


@pytest.mark.parametrize(
    ("end", "committed", "beginning", "expected"),
    [
        ({A0: 10, A1: 5}, {A0: 7, A1: 5}, None, {"a": 3}),  # summed over partitions
        ({A0: 10, B0: 4}, {A0: 10}, None, {"a": 0, "b": 4}),  # never committed: from 0
        ({A0: 10}, {A0: None}, {A0: 6}, {"a": 4}),  # retention moved the start
        ({A0: 10}, {A0: 2}, {A0: 6}, {"a": 4}),  # committed offset deleted by retention
        ({A0: 3}, {A0: 5}, None, {"a": 0}),  # never negative
        ({}, {A0: 5}, None, {}),  # no partitions known: nothing to say
    ],
)
def test_lag_per_topic(
    end: dict[TopicPartition, int],
    committed: dict[TopicPartition, int | None],
    beginning: dict[TopicPartition, int] | None,
    expected: dict[str, int],
) -> None:
    assert lag_per_topic(end, committed, beginning) == expected


def lag_when_ready(reader: OffsetReader, topic: str, timeout_s: float = 60.0) -> dict[str, int]:
    """A fresh broker makes its offsets topic on first use: until then the coordinator is away."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return reader.lag([topic])
        except KafkaError:
            if time.monotonic() > deadline:
                raise
            reader.close()
            time.sleep(0.5)


@pytest.mark.kafka
def test_offset_reader_sees_what_the_group_has_not_committed(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    topic, group = f"{topic_prefix}.lag", f"{topic_prefix}-group"
    ensure_topics(kafka_bootstrap, [topic], partitions=2, replication=1)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for n in range(7):
        producer.send(topic, value=b"x", partition=n % 2)  # 4 on partition 0, 3 on 1
    producer.flush()
    producer.close()

    reader = OffsetReader(kafka_bootstrap, group)
    try:
        assert lag_when_ready(reader, topic) == {topic: 7}  # the group never committed
        committer = KafkaConsumer(
            bootstrap_servers=kafka_bootstrap, group_id=group, enable_auto_commit=False
        )
        committer.assign([TopicPartition(topic, 0)])
        committer.commit({TopicPartition(topic, 0): OffsetAndMetadata(3, "", -1)})
        committer.close()
        assert lag_when_ready(reader, topic) == {topic: 4}  # 1 left on partition 0, 3 on 1
    finally:
        reader.close()


def test_an_unreachable_broker_is_a_kafka_error_the_monitor_counts() -> None:
    from tests.conftest import free_port

    reader = OffsetReader(f"127.0.0.1:{free_port()}", "nobody")
    with pytest.raises(KafkaError):
        reader.lag(["anything"])
    reader.close()
