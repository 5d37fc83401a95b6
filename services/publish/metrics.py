"""publish's metrics."""

from prometheus_client import Counter, Histogram

REPLIES = Counter(
    "webcare_publish_replies_total",
    "Replies publish finished, by platform and outcome (replied, failed).",
    ["platform", "outcome"],
)
PLATFORM_ERRORS = Counter(
    "webcare_publish_platform_errors_total",
    "Calls to a platform that failed and are retried (429, 5xx, timeout, reset), by platform.",
    ["platform"],
)
RECOVERED = Counter(
    "webcare_publish_recovered_total",
    "Unfinished ledger entries after a restart whose post the platform already held.",
    ["platform"],
)
REPLY_SECONDS = Histogram(
    "webcare_publish_reply_seconds",
    "Time from the reply request to the platform's confirmation.",
    ["platform"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0),
)
