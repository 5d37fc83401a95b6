"""Outage or poison: handle_batches waits out an outage without dead-lettering or acking,
and dead-letters poison at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiokafka.errors import (
    KafkaConnectionError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    NotLeaderForPartitionError,
)

from services.common import faust_runtime
from services.common.faust_runtime import (
    Outage,
    OutageBackoff,
    Pending,
    Rejected,
    handle_batches,
    handle_each,
    outage_reason,
    waiting_for_outage,
)
from services.common.metrics import OUTAGE_RETRIES, STAGE_WAITING


@dataclass
class FakeMessage:
    key: bytes | None
    value: bytes
    topic: str = "t"
    partition: int = 0
    offset: int = 0
    refs: int = 0

    def incref(self) -> None:
        self.refs += 1


@dataclass
class FakeEvent:
    message: FakeMessage
    acked: int = 0

    def ack(self) -> None:
        self.acked += 1


class FakeStream:
    def __init__(self, events: list[FakeEvent]) -> None:
        self._events = events

    async def events(self) -> AsyncIterator[FakeEvent]:
        for event in self._events:
            yield event


@dataclass
class RecordingDeadLetters:
    """DeadLetters without Kafka: what would go to the dead-letter topic, in a list."""

    stage: str
    backoff: OutageBackoff = field(default_factory=lambda: OutageBackoff(0.001, 0.002))
    letters: list[tuple[bytes, str]] = field(default_factory=list)

    async def reject(self, event: Any, reason: str, detail: str = "") -> None:
        self.letters.append((event.message.value, reason))

    async def outlast(self, attempt: Any) -> Any:
        return await faust_runtime.outlast(attempt, self.stage, self.backoff)


def make_events(*values: bytes) -> list[FakeEvent]:
    return [FakeEvent(FakeMessage(b"k", v, offset=n)) for n, v in enumerate(values)]


def retries(stage: str, reason: str) -> float:
    return OUTAGE_RETRIES.labels(stage=stage, reason=reason)._value.get()


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (Outage("database_unavailable"), "database_unavailable"),
        (KafkaTimeoutError(), "kafka_unavailable"),
        (KafkaConnectionError(), "kafka_unavailable"),
        (NotLeaderForPartitionError(), "kafka_unavailable"),
        (MessageSizeTooLargeError(), None),
        (Rejected("invalid_mention"), None),
        (ValueError("a bug for this one input"), None),
    ],
)
def test_outage_or_poison(error: Exception, reason: str | None) -> None:
    assert outage_reason(error) == reason


def test_backoff_grows_to_its_cap_with_jitter() -> None:
    backoff = OutageBackoff(base_s=0.5, cap_s=15.0)
    assert backoff.delay(0, lambda: 0.0) == 0.25
    assert backoff.delay(0, lambda: 1.0) == 0.5
    assert backoff.delay(3, lambda: 1.0) == 4.0
    assert backoff.delay(10, lambda: 1.0) == 15.0
    assert backoff.delay(10_000, lambda: 0.5) <= 15.0


def run_batches(stage: str, handler: Any, events: list[FakeEvent], dead: Any) -> None:
    asyncio.run(handle_batches(FakeStream(events), handler, dead, 10, 0.01))  # type: ignore[arg-type]


def test_an_outage_waits_and_handles_the_whole_batch_again_without_dead_letters() -> None:
    stage = "test-outage-batch"
    dead = RecordingDeadLetters(stage)
    events = make_events(b"m1", b"m2", b"m3")
    calls: list[list[bytes]] = []
    waiting_seen: list[bool] = []
    acked_while_waiting: list[int] = []

    async def handler(batch: Sequence[Any]) -> list[Pending | BaseException]:
        calls.append([e.message.value for e in batch])
        if len(calls) <= 3:  # the database is away for three tries
            waiting_seen.append(waiting_for_outage())
            acked_while_waiting.append(sum(e.acked for e in events))
            return [Outage("database_unavailable", "connection refused") for _ in batch]
        return [[] for _ in batch]

    before = retries(stage, "database_unavailable")
    run_batches(stage, handler, events, dead)

    assert calls == [[b"m1", b"m2", b"m3"]] * 4
    assert dead.letters == []
    assert retries(stage, "database_unavailable") - before == 3
    assert waiting_seen == [False, True, True]  # waiting from the first outage on
    assert acked_while_waiting == [0, 0, 0]  # nothing may commit while the outage lasts
    assert [e.acked for e in events] == [1, 1, 1]
    assert STAGE_WAITING.labels(stage=stage)._value.get() == 0
    assert not waiting_for_outage()


def test_a_failed_produce_ack_is_an_outage_too() -> None:
    stage = "test-outage-ack"
    dead = RecordingDeadLetters(stage)
    events = make_events(b"m1")
    tries = 0

    async def refused() -> None:
        raise KafkaTimeoutError()

    async def acked() -> None:
        return None

    async def handler(batch: Sequence[Any]) -> list[Pending | BaseException]:
        nonlocal tries
        tries += 1
        return [[refused() if tries == 1 else acked()] for _ in batch]

    run_batches(stage, handler, events, dead)

    assert tries == 2
    assert dead.letters == []
    assert events[0].acked == 1


def test_poison_is_dead_lettered_at_once_and_the_rest_goes_on() -> None:
    stage = "test-poison"
    dead = RecordingDeadLetters(stage)
    events = make_events(b"good", b"bad", b"bug")
    calls = 0

    async def handler(batch: Sequence[Any]) -> list[Pending | BaseException]:
        nonlocal calls
        calls += 1
        outcomes: dict[bytes, Pending | BaseException] = {
            b"good": [],
            b"bad": Rejected("invalid_mention"),
            b"bug": ValueError("a bug for this one input"),
        }
        return [outcomes[e.message.value] for e in batch]

    before = retries(stage, "database_unavailable")
    run_batches(stage, handler, events, dead)

    assert calls == 1
    assert dead.letters == [(b"bad", "invalid_mention"), (b"bug", "handler_error")]
    assert retries(stage, "database_unavailable") == before
    assert [e.acked for e in events] == [1, 1, 1]


def test_handle_each_waits_out_an_outage_of_one_message() -> None:
    stage = "test-outage-each"
    dead = RecordingDeadLetters(stage)
    seen: list[bytes] = []

    async def handler(value: bytes, key: bytes | None) -> None:
        seen.append(value)
        if len(seen) == 1:
            raise Outage("audit_failed")
        if value == b"bad":
            raise Rejected("invalid_event")

    asyncio.run(handle_each(FakeStream(make_events(b"ok", b"bad")), handler, dead))  # type: ignore[arg-type]

    assert seen == [b"ok", b"ok", b"bad"]
    assert dead.letters == [(b"bad", "invalid_event")]


def test_poison_met_during_an_outage_is_dead_lettered_at_once_and_not_tried_again() -> None:
    stage = "test-poison-in-outage"
    dead = RecordingDeadLetters(stage)
    events = make_events(b"m1", b"bad", b"m2")
    calls: list[list[bytes]] = []
    letters_while_waiting: list[int] = []

    async def handler(batch: Sequence[Any]) -> list[Pending | BaseException]:
        calls.append([e.message.value for e in batch])
        letters_while_waiting.append(len(dead.letters))
        away = len(calls) <= 2
        return [
            Rejected("invalid_mention")
            if e.message.value == b"bad"
            else Outage("database_unavailable")
            if away
            else []
            for e in batch
        ]

    run_batches(stage, handler, events, dead)

    assert calls == [[b"m1", b"bad", b"m2"], [b"m1", b"m2"], [b"m1", b"m2"]]
    assert letters_while_waiting == [0, 1, 1]  # on the topic while the outage still lasts
    assert dead.letters == [(b"bad", "invalid_mention")]
    assert [e.acked for e in events] == [1, 1, 1]


def test_a_wait_cancelled_in_its_first_back_off_leaves_the_stage_not_waiting() -> None:
    stage = "test-outage-cancelled"

    async def away() -> None:
        raise Outage("database_unavailable")

    async def scenario() -> None:
        waiting = asyncio.ensure_future(
            faust_runtime.outlast(away, stage, OutageBackoff(10.0, 10.0))
        )
        await asyncio.sleep(0.05)
        assert STAGE_WAITING.labels(stage=stage)._value.get() == 1
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    asyncio.run(scenario())
    assert STAGE_WAITING.labels(stage=stage)._value.get() == 0
    assert not waiting_for_outage()
