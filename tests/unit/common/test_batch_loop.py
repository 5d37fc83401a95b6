"""The owned batch loop without a broker: what it commits, what it dead-letters, what it
replays, and that one key's records stay in order while other keys go side by side."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaTimeoutError

from schemas import DeadLetter
from services.common.batch_loop import BatchLoop, Outage, Output
from services.common.faust_runtime import Rejected

TP = TopicPartition("events", 0)


def record(offset: int, key: bytes, value: bytes = b"ok") -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(
        topic="events",
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=len(key),
        serialized_value_size=len(value),
        headers=[],
    )


@dataclass
class Consumer:
    batches: list[dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]]
    commits: list[dict[TopicPartition, int]] = field(default_factory=list)
    seeks: list[tuple[TopicPartition, int]] = field(default_factory=list)

    async def getmany(self, timeout_ms: int, max_records: int) -> Any:
        return self.batches.pop(0) if self.batches else {}

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.commits.append(dict(offsets))

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.seeks.append((tp, offset))


@dataclass
class Producer:
    fail: bool = False
    sent: list[tuple[str, bytes]] = field(default_factory=list)

    async def send(self, topic: str, value: bytes, key: bytes | None = None) -> Any:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self.fail:
            future.set_exception(KafkaTimeoutError())
        else:
            self.sent.append((topic, value))
            future.set_result(None)
        return future


def loop(consumer: Consumer, producer: Producer, handle: Any) -> BatchLoop:
    return BatchLoop(
        consumer,  # type: ignore[arg-type]
        producer,  # type: ignore[arg-type]
        handle,
        "test",
        "dlq",
        backoff_base_s=0.0,
        backoff_cap_s=0.0,
    )


def test_commits_what_is_acknowledged_and_dead_letters_poison() -> None:
    async def handle(r: ConsumerRecord[bytes, bytes]) -> Sequence[Output]:
        if r.value == b"poison":
            raise Rejected("invalid_thing", "broken")
        if r.value == b"bug":
            raise ValueError("oops")
        return [Output("out", r.value, r.key)]

    batch = [record(0, b"a"), record(1, b"b", b"poison"), record(2, b"a", b"bug"), record(3, b"c")]
    consumer, producer = Consumer([{TP: batch}]), Producer()
    assert asyncio.run(loop(consumer, producer, handle).run_once()) == 4
    assert consumer.commits == [{TP: 4}]
    assert [t for t, _ in producer.sent] == ["out", "dlq", "dlq", "out"]  # offset order
    letters = [DeadLetter.model_validate_json(v) for t, v in producer.sent if t == "dlq"]
    assert [(d.stage, d.reason, d.offset) for d in letters] == [
        ("test", "invalid_thing", 1),
        ("test", "handler_error", 2),
    ]


def test_an_outage_commits_up_to_it_seeks_back_and_other_keys_are_replayed() -> None:
    async def handle(r: ConsumerRecord[bytes, bytes]) -> Sequence[Output]:
        if r.value == b"away":
            raise Outage("platform away")
        return [Output("out", r.value, r.key)]

    batch = [record(0, b"a"), record(1, b"b", b"away"), record(2, b"b"), record(3, b"c")]
    consumer, producer = Consumer([{TP: batch}]), Producer()
    assert asyncio.run(loop(consumer, producer, handle).run_once()) == 1
    assert consumer.commits == [{TP: 1}]
    assert consumer.seeks == [(TP, 1)]
    assert producer.sent == [("out", b"ok")]  # key c finished, but it is after the stop


def test_kafka_away_commits_nothing_and_replays_the_batch() -> None:
    async def handle(r: ConsumerRecord[bytes, bytes]) -> Sequence[Output]:
        return [Output("out", r.value, r.key)]

    consumer, producer = Consumer([{TP: [record(5, b"a"), record(6, b"b")]}]), Producer(True)
    assert asyncio.run(loop(consumer, producer, handle).run_once()) == 0
    assert consumer.commits == []
    assert consumer.seeks == [(TP, 5)]


def test_one_keys_records_in_order_other_keys_side_by_side() -> None:
    running: set[bytes] = set()
    overlapped: list[bool] = []
    order: list[int] = []

    async def handle(r: ConsumerRecord[bytes, bytes]) -> Sequence[Output]:
        assert r.key not in running, "two records of one key at once"
        running.add(r.key)
        overlapped.append(len(running) > 1)
        await asyncio.sleep(0.01)
        running.discard(r.key)
        if r.key == b"a":
            order.append(r.offset)
        return []

    batch = [record(n, b"a" if n % 2 else b"b") for n in range(10)]
    consumer = Consumer([{TP: batch}])
    assert asyncio.run(loop(consumer, Producer(), handle).run_once()) == 10
    assert order == [1, 3, 5, 7, 9]
    assert any(overlapped)
