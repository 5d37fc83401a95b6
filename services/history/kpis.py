"""Response KPIs per department and topic, computed from the history database.

A mention counts once for every (department, topic) it was routed to: the
topics that matched the department's rule, or the mention's own topics when
the route matched none (a triage or fallback rule). Its response time is the
time from the mention's `created_at` to the first `replied` event about it,
whoever replied. Against the SLA deadline routing set, a mention is answered
within the SLA, answered late, never answered (no reply and the deadline has
passed: "never so far"), or pending (no reply, deadline still ahead). A
mention without a deadline that was answered counts as within the SLA.

Route moves the deadline when it escalates, and the newer decision replaces
the stored one; the routes it leaves behind (rule `sla_expired` or
`escalation:N`) say the first deadline was missed. Such a mention is late
when answered and never answered while it is not, whatever its new deadline,
as route's own breach counting has it.

`compute` is pure (time comes in as `now`); `load` reads the facts it needs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas import ConversationEventKind
from services.history.database import ConversationEventRow, MentionRouteRow, MentionRow

UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class MentionFacts:
    """What the KPIs need to know of one mention."""

    mention_id: str
    created_at: datetime
    sla_deadline: datetime | None
    first_reply_at: datetime | None
    # (department, topics that sent it there); empty topics fall back to `topics`.
    routes: tuple[tuple[str, tuple[str, ...]], ...]
    topics: tuple[str, ...] = ()
    # Route expired or escalated it: its first deadline passed without a reply.
    breached: bool = False
    # publish posted a reply to it through an organisation account (a `replied` with a post).
    posted: bool = False


class Kpi(BaseModel):
    """The response KPIs of one department for one topic."""

    department: str
    topic: str
    routed: int
    answered: int
    answered_within_sla: int
    answered_late: int
    never_answered: int
    pending: int
    share_within_sla: float
    share_late: float
    share_never_answered: float
    first_response_p50_s: float | None
    first_response_p90_s: float | None
    first_response_mean_s: float | None
    answered_by_post: int = Field(
        default=0, description="Answered with a reply webcare posted to the platform."
    )


class KpiReport(BaseModel):
    since: datetime | None
    until: datetime | None
    now: datetime
    items: list[Kpi]


def percentile(sorted_values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: always one of the observed values, None when there are none."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p * len(sorted_values)))
    return sorted_values[rank - 1]


def outcome(facts: MentionFacts, now: datetime) -> str:
    """within_sla, late, never or pending."""
    if facts.breached:
        return "late" if facts.first_reply_at is not None else "never"
    if facts.first_reply_at is not None:
        if facts.sla_deadline is None or facts.first_reply_at <= facts.sla_deadline:
            return "within_sla"
        return "late"
    if facts.sla_deadline is not None and facts.sla_deadline <= now:
        return "never"
    return "pending"


def compute(mentions: Iterable[MentionFacts], now: datetime) -> list[Kpi]:
    """KPIs per (department, topic), sorted by department then topic."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"within_sla": 0, "late": 0, "never": 0, "pending": 0}
    )
    posted: dict[tuple[str, str], int] = defaultdict(int)
    delays: dict[tuple[str, str], list[float]] = defaultdict(list)
    for facts in mentions:
        result = outcome(facts, now)
        delay = (
            max(0.0, (facts.first_reply_at - facts.created_at).total_seconds())
            if facts.first_reply_at is not None
            else None
        )
        for department, matched in facts.routes:
            for topic in sorted(set(matched or facts.topics or (UNCLASSIFIED,))):
                key = (department, topic)
                counts[key][result] += 1
                posted[key] += int(facts.posted)
                if delay is not None:
                    delays[key].append(delay)
    return [
        _kpi(key, counts[key], sorted(delays[key])).model_copy(
            update={"answered_by_post": posted[key]}
        )
        for key in sorted(counts)
    ]


def _kpi(key: tuple[str, str], count: dict[str, int], delays: list[float]) -> Kpi:
    routed = sum(count.values())
    return Kpi(
        department=key[0],
        topic=key[1],
        routed=routed,
        answered=count["within_sla"] + count["late"],
        answered_within_sla=count["within_sla"],
        answered_late=count["late"],
        never_answered=count["never"],
        pending=count["pending"],
        share_within_sla=count["within_sla"] / routed,
        share_late=count["late"] / routed,
        share_never_answered=count["never"] / routed,
        first_response_p50_s=percentile(delays, 0.5),
        first_response_p90_s=percentile(delays, 0.9),
        first_response_mean_s=sum(delays) / len(delays) if delays else None,
    )


def load(
    session: Session, since: datetime | None = None, until: datetime | None = None
) -> list[MentionFacts]:
    """The routed mentions created in [since, until), with their first reply."""
    first_reply = (
        select(
            ConversationEventRow.mention_id.label("mention_id"),
            func.min(ConversationEventRow.at).label("first_reply_at"),
        )
        .where(ConversationEventRow.kind == ConversationEventKind.REPLIED.value)
        .where(ConversationEventRow.mention_id.is_not(None))
        .group_by(ConversationEventRow.mention_id)
        .subquery()
    )
    posted = set(
        session.scalars(
            select(ConversationEventRow.mention_id)
            .where(ConversationEventRow.kind == ConversationEventKind.REPLIED.value)
            .where(ConversationEventRow.post_id.is_not(None))
            .distinct()
        )
    )
    query = (
        select(
            MentionRow.id,
            MentionRow.created_at,
            MentionRow.sla_deadline,
            MentionRow.topics,
            first_reply.c.first_reply_at,
            MentionRouteRow.department,
            MentionRouteRow.matched_topics,
            MentionRouteRow.rule,
        )
        .join(MentionRouteRow, MentionRouteRow.mention_id == MentionRow.id)
        .outerjoin(first_reply, first_reply.c.mention_id == MentionRow.id)
        .order_by(MentionRow.id, MentionRouteRow.department)
    )
    if since is not None:
        query = query.where(MentionRow.created_at >= since)
    if until is not None:
        query = query.where(MentionRow.created_at < until)
    by_mention: dict[str, MentionFacts] = {}
    for row in session.execute(query):
        route = (row.department, tuple(row.matched_topics or ()))
        breached = _breach_rule(row.rule)
        known = by_mention.get(row.id)
        if known is None:
            by_mention[row.id] = MentionFacts(
                mention_id=row.id,
                created_at=row.created_at,
                sla_deadline=row.sla_deadline,
                first_reply_at=row.first_reply_at,
                routes=(route,),
                topics=tuple(row.topics or ()),
                breached=breached,
                posted=row.id in posted,
            )
        else:
            by_mention[row.id] = MentionFacts(
                **{
                    **known.__dict__,
                    "routes": (*known.routes, route),
                    "breached": known.breached or breached,
                }
            )
    return list(by_mention.values())


def _breach_rule(rule: str) -> bool:
    """The rules route gives the routes of an expired or escalated mention."""
    return rule == "sla_expired" or rule.startswith("escalation:")
