"""Prometheus metrics server and the metrics every stage shares."""

from prometheus_client import Counter, Histogram, start_http_server

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


def serve_metrics(port: int, host: str = "127.0.0.1") -> None:
    """Exposes /metrics on its own thread; port 0 turns it off (tests run many services)."""
    if port:
        start_http_server(port, addr=host)
