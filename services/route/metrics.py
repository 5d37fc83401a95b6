"""Route's metrics: routing, response KPIs, backlog, SLA breaches, guidelines, crisis.

Labels are departments, taxonomy topics, kinds and outcomes: all bounded by
the organisation file, never ids. Shares (answered within SLA, never answered)
are ratios of `webcare_sla_outcomes_total` in PromQL.
"""

from prometheus_client import Counter, Gauge, Histogram

ROUTED = Counter("webcare_routed_total", "Mentions routed, per department.", ["department"])
ROUTING_EVENTS = Counter(
    "webcare_route_events_total", "Decisions written to the routed topic, per kind.", ["kind"]
)
FIRST_RESPONSE = Histogram(
    "webcare_first_response_seconds",
    "From a mention reaching us to its first reply, per replying department and topic.",
    ["department", "topic"],
    buckets=(60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 604800),
)
SLA_OUTCOMES = Counter(
    "webcare_sla_outcomes_total",
    "Mentions by outcome: answered_in_time, answered_late, never_answered.",
    ["department", "topic", "outcome"],
)
SLA_BREACHES = Counter(
    "webcare_sla_breaches_total",
    "Mentions whose SLA deadline passed without a reply, per department and topic.",
    ["department", "topic"],
)
UNCLAIMED = Gauge(
    "webcare_unclaimed_mentions",
    "Open mentions nobody has claimed or answered, per department (this worker's partitions).",
    ["department"],
)
CASES_FORGOTTEN = Counter(
    "webcare_route_cases_forgotten_total",
    "Cases dropped from route's state after WEBCARE_ROUTE_CASE_RETENTION_DAYS.",
)
CASES_HELD = Gauge(
    "webcare_route_cases",
    "Cases in this worker's state (its partitions and their standbys).",
)
CLAIM_COLLISIONS = Counter(
    "webcare_claim_collisions_total", "Claims refused because someone else holds the mention."
)
CLAIM_OUTCOMES = Counter(
    "webcare_route_claim_events_total",
    "Claim, release, reply and resolve events of known mentions, by what the claim rule made"
    " of them (taken, renewed, refused, released, ended, unchanged).",
    ["outcome"],
)
EARLY_EVENTS = Gauge(
    "webcare_route_early_events",
    "Conversation events waiting for their mention to reach route (this worker's partitions).",
)
EARLY_EVENTS_DROPPED = Counter(
    "webcare_route_early_events_dropped_total",
    "Conversation events that waited for a mention and were dropped: full (the per-partition"
    " limit), expired (the age limit) or not_routed (the mention is not routed).",
    ["reason"],
)
GUIDELINE_WARNINGS = Counter(
    "webcare_guideline_warnings_total",
    "Replies over a guideline, per rule and channel.",
    ["rule", "channel"],
)
NOT_ROUTED = Counter(
    "webcare_route_skipped_total",
    "Mentions kept out of the queues: deletes and the organisation's own posts.",
    ["kind"],
)
CRISIS_ACTIVE = Gauge("webcare_crisis_active", "1 while a crisis is raised, else 0.")

SLA_OUTCOME_NAMES = ("answered_in_time", "answered_late", "never_answered")


def initialise(departments: list[str], topics: list[str]) -> None:
    """Creates every labelled series at zero, so dashboards and alerts see 0, not 'no data'."""
    for department in departments:
        UNCLAIMED.labels(department=department)
        for topic in topics:
            FIRST_RESPONSE.labels(department=department, topic=topic)
            SLA_BREACHES.labels(department=department, topic=topic)
            for outcome in SLA_OUTCOME_NAMES:
                SLA_OUTCOMES.labels(department=department, topic=topic, outcome=outcome)
