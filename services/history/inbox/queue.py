"""A department's queue for the inbox: the same conditions as the API's queue and search.

Ordered as people work it, in SQL so that a page and its neighbours agree:
most urgent first, then the nearest deadline, then the oldest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session

from services.history.database import MentionRow
from services.history.queries import ReadContext, mention_views, routed_to, status_condition
from services.history.search import topic_condition
from services.history.views import MentionView

STATUSES = ("open", "claimed", "overdue", "resolved")
QUEUE_LIMIT = 50
CHANNELS_TTL_S = 60.0
PRIORITY_ORDER = case(
    {"urgent": 0, "high": 1, "normal": 2, "low": 3}, value=MentionRow.priority, else_=2
)


@dataclass(frozen=True)
class QueueFilters:
    department: str
    status: str = "open"
    topic: str | None = None
    channel: str | None = None


def _queue(columns: Any, filters: QueueFilters, ctx: ReadContext) -> Select[Any]:
    query = select(columns).where(
        routed_to(filters.department), status_condition(filters.status, ctx)
    )
    if filters.topic:
        query = query.where(topic_condition(filters.topic))
    if filters.channel:
        query = query.where(MentionRow.source == filters.channel)
    return query.order_by(
        PRIORITY_ORDER,
        MentionRow.sla_deadline.is_(None),
        MentionRow.sla_deadline,
        MentionRow.created_at,
        MentionRow.id,
    )


def department_queue(
    session: Session, filters: QueueFilters, ctx: ReadContext, limit: int = QUEUE_LIMIT
) -> tuple[list[MentionView], bool]:
    """Up to `limit` mentions of the queue, in working order, and whether there are more."""
    rows = session.scalars(_queue(MentionRow, filters, ctx).limit(limit + 1)).all()
    return mention_views(session, list(rows[:limit]), ctx), len(rows) > limit


def queue_ids(
    session: Session, filters: QueueFilters, ctx: ReadContext, limit: int = QUEUE_LIMIT
) -> list[str]:
    """The ids alone, in the same order: enough for a mention page's previous and next."""
    return list(session.scalars(_queue(MentionRow.id, filters, ctx).limit(limit)))


_channels: dict[str, tuple[float, list[str]]] = {}


def channels(session: Session) -> list[str]:
    """The channels mentions came from, for the filter: asked again at most once a minute,
    since finding them reads every mention."""
    key = str(session.get_bind().engine.url)
    cached = _channels.get(key)
    if cached is not None and time.monotonic() - cached[0] < CHANNELS_TTL_S:
        return cached[1]
    found = sorted(session.scalars(select(MentionRow.source).distinct()))
    _channels[key] = (time.monotonic(), found)
    return found
