"""The routing policy as a pure function: classified mention + organisation + time in, decision out.

No department owns a relationship: every department whose topics match gets
the mention; a mention without a topic goes to the triage department. A
department outside its working hours with `outside_hours: on_call` also brings
in its on-call department. Priority comes from the configured rules; the SLA
deadline is the tightest of the departments', counted in their working time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from schemas import ClassifiedMention, DepartmentRoute, Mention, RoutingDecision, Sentiment
from services.common.organisation import Organisation
from services.common.organisation_routing import (
    PRIORITY_ORDER,
    Priority,
    PriorityRule,
    RoutingPolicy,
)
from services.route.hours import add_working_minutes, is_working

__all__ = [
    "Priority",
    "decision_id",
    "fan_out",
    "priority",
    "route",
    "sla_deadline",
    "sla_minutes",
]


def decision_id(mention_id: str) -> str:
    """Deterministic, so a replayed mention yields the same decision and downstream dedupes."""
    return f"route:{mention_id}"


def fan_out(classified: ClassifiedMention, org: Organisation) -> list[DepartmentRoute]:
    """Every department whose topics match, with the topics and scores that sent it there."""
    routes = []
    for dept in org.departments:
        matched = [t for t in classified.topics if t in dept.topics]
        if matched:
            routes.append(
                DepartmentRoute(
                    department=dept.slug,
                    matched_topics=matched,
                    rule="topic",
                    scores={t: classified.scores[t] for t in matched if t in classified.scores},
                )
            )
    if not routes:
        routes.append(DepartmentRoute(department=org.triage_department, rule="triage"))
    return routes + _on_call(routes, org.routing, classified.mention.ingested_at)


def _on_call(
    routes: list[DepartmentRoute], policy: RoutingPolicy, at: datetime
) -> list[DepartmentRoute]:
    """On-call departments standing in for departments that are off when the mention arrives."""
    present = {r.department for r in routes}
    extra: list[DepartmentRoute] = []
    for route in routes:
        hours = policy.working_hours.get(route.department)
        if hours is None or hours.outside_hours != "on_call" or is_working(hours, at):
            continue
        on_call = hours.on_call_department
        if on_call is not None and on_call not in present:
            present.add(on_call)
            extra.append(
                DepartmentRoute(
                    department=on_call,
                    matched_topics=list(route.matched_topics),
                    rule=f"on_call_for:{route.department}",
                    scores=dict(route.scores),
                )
            )
    return extra


_WORD_START = r"(?<![\w])"


def _keyword_hit(keywords: list[str], text: str) -> bool:
    return any(
        re.search(_WORD_START + re.escape(word.lower()), text) is not None for word in keywords
    )


def _rule_matches(rule: PriorityRule, classified: ClassifiedMention, text: str) -> bool:
    if rule.topics and not set(rule.topics).intersection(classified.topics):
        return False
    if rule.untagged is not None and rule.untagged != (not classified.topics):
        return False
    if rule.sentiment is not None and classified.sentiment is not Sentiment(rule.sentiment):
        return False
    if rule.min_followers is not None:
        followers = classified.mention.author.followers
        if followers is None or followers < rule.min_followers:
            return False
    return not (rule.keywords and not _keyword_hit(rule.keywords, text))


def priority(classified: ClassifiedMention, policy: RoutingPolicy) -> tuple[Priority, list[str]]:
    """The highest priority of every matching rule, and the names of the rules that matched."""
    text = classified.mention.text.lower()
    matched = [r for r in policy.priority_rules if _rule_matches(r, classified, text)]
    if not matched:
        return policy.default_priority, []
    best = max(matched, key=lambda r: PRIORITY_ORDER.index(r.priority))
    return best.priority, [r.name for r in matched]


def sla_minutes(classified: ClassifiedMention, org: Organisation) -> int:
    """The tightest SLA of the mention's topics (the default SLA without topics)."""
    return min((org.sla_minutes(t) for t in classified.topics), default=org.default_sla_minutes)


def department_deadline(
    org: Organisation, department: str, start: datetime, minutes: float
) -> datetime:
    """`minutes` after `start` in the department's working time (paused outside its hours).

    A department without hours, or one that hands off to an on-call department
    outside them, runs on the wall clock.
    """
    hours = org.routing.working_hours.get(department)
    if hours is None or hours.outside_hours == "on_call":
        return start + timedelta(minutes=minutes)
    return add_working_minutes(hours, start, minutes)


def sla_deadline(
    classified: ClassifiedMention,
    org: Organisation,
    routes: list[DepartmentRoute] | None = None,
) -> datetime:
    """The earliest deadline of the departments it went to, from when it reached us:
    any of them may answer, so the first that can is what the person may expect."""
    routes = routes if routes is not None else fan_out(classified, org)
    start = classified.mention.ingested_at
    minutes = sla_minutes(classified, org)
    return min(department_deadline(org, r.department, start, minutes) for r in routes)


def needs_routing(mention: Mention) -> bool:
    """Deletes and the organisation's own posts are on record (history) but nobody's work."""
    return mention.kind != "delete" and not mention.from_organisation


def route(classified: ClassifiedMention, org: Organisation, now: datetime) -> RoutingDecision:
    routes = fan_out(classified, org)
    level, rules = priority(classified, org.routing)
    return RoutingDecision(
        decision_id=decision_id(classified.mention.id),
        relationship_id=classified.mention.relationship_id,
        classified=classified,
        departments=routes,
        priority=level,
        priority_rules=rules,
        sla_deadline=sla_deadline(classified, org, routes),
        decided_at=now,
    )
