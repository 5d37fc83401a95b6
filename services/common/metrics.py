"""Prometheus metrics server (with `/health`) and the metrics every stage shares.

The server also answers `/health`, because the Faust services have no web
server of their own: one small HTTP port per process serves Prometheus, the
container HEALTHCHECK and Kubernetes probes. Process metrics (CPU, memory,
open files, GC) come from prometheus-client's default collectors.
"""

import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import REGISTRY, Counter, Histogram, make_wsgi_app

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


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes every few seconds are not events worth a log line."""


def metrics_and_health_app() -> Callable[..., Iterable[bytes]]:
    """WSGI app: `/health` answers 200 while the process runs; every other path is metrics."""
    metrics = make_wsgi_app(REGISTRY)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/health":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"status":"ok"}']
        return metrics(environ, start_response)

    return app


def serve_metrics(port: int, host: str = "127.0.0.1") -> None:
    """Exposes /metrics and /health on its own thread; port 0 turns it off (tests run many)."""
    if not port:
        return
    server = make_server(host, port, metrics_and_health_app(), _Server, _QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
