"""/health judges the event loop by its heartbeat: a loop blocked in a synchronous call
makes the metrics server (on its own thread) answer 503 naming the stall."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from services.common.metrics import Heartbeat, health, metrics_and_health_app, with_heartbeat
from tests.conftest import free_port


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A real event loop running on a thread of its own, as a service's loop does."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop

    async def cancel_tasks() -> None:
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()

    asyncio.run_coroutine_threadsafe(cancel_tasks(), loop).result(timeout=10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    loop.close()


def serve(heartbeat: Heartbeat, stall_s: float) -> str:
    from wsgiref.simple_server import make_server

    from services.common.metrics import _QuietHandler, _Server

    port = free_port()
    server = make_server(
        "127.0.0.1", port, metrics_and_health_app(heartbeat, stall_s), _Server, _QuietHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}/health"


def wait_for(check: object, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_blocked_loop_makes_health_answer_503_and_a_free_one_200_again(
    loop: asyncio.AbstractEventLoop,
) -> None:
    heartbeat = Heartbeat()
    url = serve(heartbeat, stall_s=0.5)
    assert httpx.get(url, timeout=5).json()["status"] == "ok"  # before the loop beats: starting

    loop.call_soon_threadsafe(lambda: loop.create_task(heartbeat.run(interval_s=0.05)))
    wait_for(lambda: heartbeat.age() is not None)
    assert httpx.get(url, timeout=5).status_code == 200

    loop.call_soon_threadsafe(time.sleep, 2.0)  # a synchronous call blocks the loop for 2 s
    wait_for(lambda: httpx.get(url, timeout=5).status_code == 503)
    answer = httpx.get(url, timeout=5)
    assert answer.json()["status"] == "stalled"
    assert "event loop heartbeat" in answer.json()["detail"]

    wait_for(lambda: httpx.get(url, timeout=5).status_code == 200)  # the loop is free again


def test_the_limit_and_the_switch() -> None:
    heartbeat = Heartbeat()
    heartbeat.last = time.monotonic() - 30
    assert health(heartbeat, 10.0)[0] == 503
    assert health(heartbeat, 60.0)[0] == 200
    assert health(heartbeat, 0.0)[0] == 200  # 0 turns the check off


def test_an_asgi_app_starts_the_heartbeat_and_answers_503_when_it_is_old() -> None:
    heartbeat = Heartbeat()
    sent: list[dict[str, object]] = []
    passed: list[str] = []

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        passed.append(str(scope.get("path")))

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    async def receive() -> dict[str, object]:
        return {}

    async def scenario() -> None:
        wrapped = with_heartbeat(app, heartbeat, 0.5)
        await wrapped({"type": "lifespan"}, receive, send)
        await asyncio.sleep(0)
        assert heartbeat.age() is not None
        await wrapped({"type": "http", "path": "/health"}, receive, send)
        assert passed == ["None", "/health"]  # fresh: the app's own /health answers
        heartbeat.last = time.monotonic() - 5
        await wrapped({"type": "http", "path": "/health"}, receive, send)
        assert sent[0]["status"] == 503
        assert passed == ["None", "/health"]

    asyncio.run(scenario())
