"""Ingest's own metrics, beside `webcare_ingested_total` and `webcare_ingest_rejected_total`."""

from __future__ import annotations

import time

from prometheus_client import Counter, Gauge

CONNECTED = Gauge(
    "webcare_ingest_connector_connected",
    "1 while a connector holds a live connection to its platform (or its last poll succeeded).",
    ["source"],
)
NEWEST_EVENT = Gauge(
    "webcare_ingest_newest_event_timestamp_seconds",
    "Creation time of the newest mention published per source (Unix seconds).",
    ["source"],
)
NEWEST_EVENT_AGE = Gauge(
    "webcare_ingest_newest_event_age_seconds",
    "Seconds since the newest mention published per source was created.",
    ["source"],
)
SKIPPED = Counter(
    "webcare_ingest_skipped_total",
    "Platform records that are fine but not mentions (likes, follows, unrelated posts).",
    ["source"],
)

_newest: dict[str, float] = {}


def saw_event(source: str, created_at: float) -> None:
    """Records the newest event time; the age gauge is computed when Prometheus scrapes."""
    if created_at <= _newest.get(source, float("-inf")):
        return
    if source not in _newest:
        NEWEST_EVENT_AGE.labels(source=source).set_function(lambda: time.time() - _newest[source])
    _newest[source] = created_at
    NEWEST_EVENT.labels(source=source).set(created_at)
