"""The routing policy as a pure function: classified mention + organisation + time in, decision out.

No department owns a relationship: every department whose topics match gets
the mention; a mention without a topic goes to the triage department.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from schemas import ClassifiedMention, DepartmentRoute, RoutingDecision, Sentiment
from services.common.organisation import Organisation

Priority = Literal["low", "normal", "high", "urgent"]

URGENT_TOPICS = frozenset({"complaints", "press"})


def decision_id(mention_id: str) -> str:
    """Deterministic, so a replayed mention yields the same decision and downstream dedupes."""
    return f"route:{mention_id}"


def fan_out(classified: ClassifiedMention, org: Organisation) -> list[DepartmentRoute]:
    routes = []
    for dept in org.departments:
        matched = [t for t in classified.topics if t in dept.topics]
        if matched:
            routes.append(
                DepartmentRoute(department=dept.slug, matched_topics=matched, rule="topic")
            )
    if not routes:
        routes.append(DepartmentRoute(department=org.triage_department, rule="triage"))
    return routes


def priority(classified: ClassifiedMention) -> Priority:
    touchy = URGENT_TOPICS.intersection(classified.topics)
    if touchy and classified.sentiment is Sentiment.NEGATIVE:
        return "urgent"
    if touchy:
        return "high"
    if not classified.topics:
        return "low"
    return "normal"


def sla_deadline(classified: ClassifiedMention, org: Organisation) -> datetime:
    """The tightest SLA of the mention's topics, counted from when it reached us."""
    minutes = min((org.sla_minutes(t) for t in classified.topics), default=org.default_sla_minutes)
    return classified.mention.ingested_at + timedelta(minutes=minutes)


def route(classified: ClassifiedMention, org: Organisation, now: datetime) -> RoutingDecision:
    return RoutingDecision(
        decision_id=decision_id(classified.mention.id),
        relationship_id=classified.mention.relationship_id,
        classified=classified,
        departments=fan_out(classified, org),
        priority=priority(classified),
        sla_deadline=sla_deadline(classified, org),
        decided_at=now,
    )
