"""Prometheus metrics server (with `/health`), the event loop's heartbeat, and the metrics
every stage shares.

The server also answers `/health`, because the Faust services have no web
server of their own: one small HTTP port per process serves Prometheus, the
container HEALTHCHECK and Kubernetes probes. It runs on a thread of its own, so
it would answer while the event loop is blocked; that is why `/health` judges
the loop by its heartbeat (`Heartbeat`), a task on the loop that stamps the
time every second. Process metrics (CPU, memory, open files, GC) come from
prometheus-client's default collectors.
"""

import asyncio
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import REGISTRY, Counter, Gauge, Histogram, make_wsgi_app

DEAD_LETTERS = Counter(
    "webcare_dead_letters_total",
    "Messages a stage could not handle and sent to the dead-letter topic.",
    ["stage", "reason"],
)

STAGE_SECONDS = Histogram(
    "webcare_stage_processing_seconds",
    "Time a stage spends on one message, from receipt to its outputs acknowledged.",
    ["stage"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


OUTAGE_RETRIES = Counter(
    "webcare_stage_outage_retries_total",
    "Times a stage tried events again because a dependency (database, broker) was away.",
    ["stage", "reason"],
)

STAGE_WAITING = Gauge(
    "webcare_stage_waiting",
    "1 while the stage waits for an outage to end, committing nothing past it; else 0.",
    ["stage"],
)

HEARTBEAT_AGE = Gauge(
    "webcare_event_loop_heartbeat_age_seconds",
    "Seconds since the event loop's heartbeat task last ran (read at scrape time).",
)


class Heartbeat:
    """When the process's event loop last ran its heartbeat task (monotonic seconds).

    One per process: the loop's task stamps it every `interval_s`, and `/health`, served
    from another thread, reads how long ago that was. A loop blocked by a synchronous call
    stops stamping, so the age grows while everything else still looks alive.
    """

    def __init__(self) -> None:
        self.last: float | None = None  # None until the loop ran the task once
        self._task: asyncio.Task[None] | None = None

    def beat(self) -> None:
        self.last = time.monotonic()

    def age(self) -> float | None:
        """Seconds since the last beat; None before the first one (the loop is not up yet)."""
        return None if self.last is None else time.monotonic() - self.last

    async def run(self, interval_s: float = 1.0) -> None:
        """Stamps the time every `interval_s` until cancelled: run it as a task on the loop."""
        while True:
            self.beat()
            await asyncio.sleep(interval_s)

    def start(self, interval_s: float = 1.0) -> None:
        """Runs `run` as a task on the running loop, once (a second call while it runs is a
        no-op: history's worker and its API share one loop)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self.run(interval_s))


HEARTBEAT = Heartbeat()
HEARTBEAT_AGE.set_function(lambda: HEARTBEAT.age() or 0.0)


def health(heartbeat: Heartbeat, stall_s: float) -> tuple[int, dict[str, Any]]:
    """The `/health` answer: 503 naming the stall when the loop's last beat is older than
    `stall_s` (0 turns the check off); 200 before the first beat (the loop is starting)."""
    age = heartbeat.age()
    if stall_s > 0 and age is not None and age > stall_s:
        return 503, {
            "status": "stalled",
            "detail": f"event loop heartbeat {age:.1f}s old (limit {stall_s:g}s)",
            "heartbeat_age_s": round(age, 3),
        }
    if age is None:
        return 200, {"status": "ok", "detail": "event loop not started yet"}
    return 200, {"status": "ok", "heartbeat_age_s": round(age, 3)}


_STATUS_LINES = {200: "200 OK", 503: "503 Service Unavailable"}


class HeartbeatApp:
    """An ASGI app around `app` that starts `heartbeat` on its loop (at lifespan startup, or
    the first request) and answers `/health` with 503 when the loop stalls; every other
    request, and a healthy `/health`, goes to `app`.

    A class, not a closure: faust's AsgiService keeps the app as a class attribute, where a
    plain function would become a method.
    """

    def __init__(
        self, app: Callable[..., Awaitable[None]], heartbeat: Heartbeat, stall_s: float
    ) -> None:
        self.app = app
        self.heartbeat = heartbeat
        self.stall_s = stall_s

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        if scope["type"] in ("lifespan", "http"):
            self.heartbeat.start()
        if scope["type"] == "http" and scope.get("path") == "/health":
            status, body = health(self.heartbeat, self.stall_s)
            if status != 200:
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": json.dumps(body).encode()})
                return
        await self.app(scope, receive, send)


with_heartbeat = HeartbeatApp


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes every few seconds are not events worth a log line."""


def metrics_and_health_app(
    heartbeat: Heartbeat = HEARTBEAT, stall_s: float = 0.0
) -> Callable[..., Iterable[bytes]]:
    """WSGI app: `/health` answers by the event loop's heartbeat (see `health`); every other
    path is metrics."""
    metrics = make_wsgi_app(REGISTRY)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/health":
            status, body = health(heartbeat, stall_s)
            start_response(_STATUS_LINES[status], [("Content-Type", "application/json")])
            return [json.dumps(body).encode()]
        return metrics(environ, start_response)

    return app


def serve_metrics(port: int, host: str = "127.0.0.1", stall_s: float = 0.0) -> None:
    """Exposes /metrics and /health on its own thread; port 0 turns it off (tests run many).
    `/health` answers 503 once the loop's heartbeat is older than `stall_s` (0: never)."""
    if not port:
        return
    app = metrics_and_health_app(HEARTBEAT, stall_s)
    server = make_server(host, port, app, _Server, _QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
