"""The history API's rate limits (per address, per key) and its cap on open event streams."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.common.rate_limit import TokenBuckets
from services.history.api import create_api
from services.history.department_stream import EventStream, StreamsFull, StreamSlots
from tests.unit.history.conftest import ADMIN_KEY, read_context


def limited(engine: Engine, per_address: TokenBuckets, per_key: TokenBuckets) -> TestClient:
    api = create_api(read_context(engine), per_address=per_address, per_key=per_key)  # type: ignore[arg-type]
    return TestClient(api)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_key_over_its_rate_gets_429_with_retry_after_and_others_go_on(engine: Engine) -> None:
    client = limited(engine, TokenBuckets(0, 0), TokenBuckets(rate=0.01, burst=3))
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    other = {"Authorization": "Bearer wck_000000000000_not-a-real-key"}
    answers = [client.get("/v1/search", headers=admin).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/v1/search", headers=admin)
    assert refused.json()["error"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert client.get("/v1/search", headers=other).status_code == 401  # its own bucket
    assert client.get("/health").status_code == 200  # outside /v1


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_an_address_over_its_rate_gets_429_whatever_the_keys(engine: Engine) -> None:
    client = limited(engine, TokenBuckets(rate=0.01, burst=2), TokenBuckets(0, 0))
    keys = [f"Bearer wck_{n:012d}_guess" for n in range(3)]
    answers = [client.get("/v1/search", headers={"Authorization": k}).status_code for k in keys]
    assert answers == [401, 401, 429]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_without_limits_there_are_none(engine: Engine) -> None:
    client = TestClient(create_api(read_context(engine)))  # type: ignore[arg-type]
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    assert {client.get("/v1/search", headers=admin).status_code for _ in range(30)} == {200}


def test_stream_slots_per_holder_and_in_all() -> None:
    slots = StreamSlots(total=3, per_holder=2)
    slots.acquire("key:a")
    slots.acquire("key:a")
    with pytest.raises(StreamsFull) as per_key:
        slots.acquire("key:a")
    assert per_key.value.status == 429
    slots.acquire("key:b")
    with pytest.raises(StreamsFull) as total:
        slots.acquire("key:c")
    assert total.value.status == 503
    slots.release("key:a")
    slots.acquire("key:c")
    slots.release("key:b")
    slots.acquire(None)  # the inbox's streams count in the total only
    with pytest.raises(StreamsFull):
        slots.acquire(None)


class FakeConsumer:
    def __init__(self) -> None:
        self.stopped = 0

    async def stop(self) -> None:
        self.stopped += 1


async def endless() -> AsyncIterator[str]:
    while True:
        yield ": heartbeat\n\n"
        await asyncio.sleep(0.01)


def test_a_stream_frees_its_slot_and_consumer_however_it_ends() -> None:
    slots = StreamSlots(total=1, per_holder=1)

    async def scenario() -> list[int]:
        stopped = []
        # closed without ever being iterated (the answer never started)
        slots.acquire("key:a")
        consumer = FakeConsumer()
        stream = EventStream(consumer, endless(), slots, "key:a")  # type: ignore[arg-type]
        await stream.close()
        await stream.close()
        stopped.append(consumer.stopped)
        # the request's task cancelled while it waits for the next event
        slots.acquire("key:a")
        consumer = FakeConsumer()
        stream = EventStream(consumer, endless(), slots, "key:a")  # type: ignore[arg-type]

        async def read() -> None:
            async for _ in stream:
                pass

        task = asyncio.create_task(read())
        await asyncio.sleep(0.05)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await asyncio.sleep(0)
        stopped.append(consumer.stopped)
        slots.acquire("key:a")  # free again
        return stopped

    assert asyncio.run(scenario()) == [1, 1]
