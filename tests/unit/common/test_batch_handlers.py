"""The batch handlers of faust_runtime: order per key, overlap across keys, errors per event."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from faust import current_event

from services.common.faust_runtime import Pending, by_key, each


@dataclass
class FakeMessage:
    key: bytes | None
    value: bytes


class FakeEvent:
    """Only what the handlers read of a Faust event: its message's key and value."""

    def __init__(self, key: bytes | None, value: bytes) -> None:
        self.message = FakeMessage(key, value)


def events(*pairs: tuple[bytes | None, bytes]) -> list[FakeEvent]:
    return [FakeEvent(key, value) for key, value in pairs]


def test_by_key_keeps_each_keys_order_and_lets_other_keys_overlap() -> None:
    log: list[str] = []
    seen_current: list[bool] = []

    async def handler(value: bytes, key: bytes | None) -> Pending:
        event = current_event()
        seen_current.append(event is not None and event.message.value == value)
        log.append(f"start {value.decode()}")
        await asyncio.sleep(0.01 if value == b"a1" else 0)
        log.append(f"end {value.decode()}")
        return []

    batch = events((b"a", b"a1"), (b"a", b"a2"), (b"b", b"b1"))
    outcomes = asyncio.run(by_key(handler)(batch))  # type: ignore[arg-type]

    assert outcomes == [[], [], []]
    assert log.index("end a1") < log.index("start a2")  # one key: one after the other
    assert log.index("start b1") < log.index("end a1")  # another key: side by side
    assert seen_current == [True, True, True]  # each sees its own event as current


def test_by_key_returns_each_events_error_in_its_place() -> None:
    async def handler(value: bytes, key: bytes | None) -> Pending:
        if value == b"bad":
            raise ValueError("bad input")
        return []

    batch = events((b"a", b"ok1"), (b"b", b"bad"), (None, b"ok2"))
    outcomes = asyncio.run(by_key(handler)(batch))  # type: ignore[arg-type]

    assert outcomes[0] == []
    assert outcomes[2] == []
    assert isinstance(outcomes[1], ValueError)


def test_each_runs_strictly_in_order() -> None:
    log: list[bytes] = []

    async def handler(value: bytes, key: bytes | None) -> Pending:
        await asyncio.sleep(0.01 if value == b"1" else 0)
        log.append(value)
        return []

    asyncio.run(each(handler)(events((b"a", b"1"), (b"b", b"2"), (b"c", b"3"))))  # type: ignore[arg-type]
    assert log == [b"1", b"2", b"3"]
