"""A department's queue for the inbox: the same conditions as the API's queue and search."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.history.database import MentionRow
from services.history.queries import ReadContext, mention_views, routed_to, status_condition
from services.history.search import topic_condition
from services.history.views import MentionView

STATUSES = ("open", "claimed", "overdue", "resolved")
QUEUE_LIMIT = 100


@dataclass(frozen=True)
class QueueFilters:
    department: str
    status: str = "open"
    topic: str | None = None
    channel: str | None = None


def department_queue(
    session: Session, filters: QueueFilters, ctx: ReadContext, limit: int = QUEUE_LIMIT
) -> tuple[list[MentionView], bool]:
    """Up to `limit` mentions of the queue (nearest deadline first) and whether there are more."""
    query = select(MentionRow).where(
        routed_to(filters.department), status_condition(filters.status, ctx)
    )
    if filters.topic:
        query = query.where(topic_condition(filters.topic))
    if filters.channel:
        query = query.where(MentionRow.source == filters.channel)
    query = query.order_by(
        MentionRow.sla_deadline.is_(None), MentionRow.sla_deadline, MentionRow.created_at
    )
    rows = session.scalars(query.limit(limit + 1)).all()
    return mention_views(session, list(rows[:limit]), ctx), len(rows) > limit


def channels(session: Session) -> list[str]:
    return sorted(session.scalars(select(MentionRow.source).distinct()))
