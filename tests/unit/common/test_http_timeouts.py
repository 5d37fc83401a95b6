"""Slow headers and slow bodies get 408 and a closed connection; a long answer is not cut."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from services.common.http_timeouts import timed_h11
from tests.conftest import free_port

TIMEOUT_S = 0.5


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    if scope["path"] == "/long":  # an answer that outlasts both deadlines, like an SSE stream
        for _ in range(4):
            await send({"type": "http.response.body", "body": b"tick\n", "more_body": True})
            await asyncio.sleep(TIMEOUT_S)
    await send({"type": "http.response.body", "body": b"got %d" % len(body)})


def serve(protocol: Any) -> Iterator[int]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, http=protocol, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield port
    server.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def timed() -> Iterator[int]:
    yield from serve(timed_h11(TIMEOUT_S, TIMEOUT_S))


@pytest.fixture(scope="module")
def plain() -> Iterator[int]:
    yield from serve("h11")


def trickle(port: int, data: bytes, within_s: float) -> tuple[bytes, float]:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        return trickle_on(conn, data, within_s)


SLOW_HEADERS = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 200 + b"\r\n\r\n"
SLOW_BODY = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n"


def test_slow_headers_get_408(timed: int, plain: int) -> None:
    answer, took = trickle(timed, SLOW_HEADERS, within_s=3.0)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert took < 3 * TIMEOUT_S
    # uvicorn alone lets the same client go on (this is what the protocol is for)
    answer, took = trickle(plain, SLOW_HEADERS[:40], within_s=1.5)
    assert answer == b""


def test_slow_body_gets_408(timed: int, plain: int) -> None:
    with socket.create_connection(("127.0.0.1", timed)) as conn:
        conn.sendall(SLOW_BODY)
        answer, took = trickle_on(conn, b"{" * 200, within_s=3.0)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert took < 3 * TIMEOUT_S
    with socket.create_connection(("127.0.0.1", plain)) as conn:
        conn.sendall(SLOW_BODY)
        answer, _ = trickle_on(conn, b"{" * 30, within_s=1.5)
    assert answer == b""


def trickle_on(conn: socket.socket, data: bytes, within_s: float) -> tuple[bytes, float]:
    """Sends `data` a byte every 50 ms; returns what came back and how long it went on."""
    started = time.monotonic()
    answer = b""
    conn.settimeout(0.05)
    for byte in data:
        try:
            conn.sendall(bytes([byte]))
            chunk = conn.recv(4096)
            answer += chunk
            if not chunk:
                break
        except TimeoutError:
            pass
        except OSError:
            break
        if time.monotonic() - started > within_s:
            break
    return answer, time.monotonic() - started


def test_a_quick_request_with_a_long_answer_is_not_cut(timed: int) -> None:
    with socket.create_connection(("127.0.0.1", timed)) as conn:
        conn.sendall(b"GET /long HTTP/1.1\r\nHost: x\r\n\r\n")
        conn.settimeout(5)
        answer = b""
        while b"got 0" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer
    assert answer.count(b"tick") == 4
    assert b"got 0" in answer
