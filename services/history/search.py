"""Full-text search with filters over mentions.

PostgreSQL matches the words with the 'dutch' and the 'english' text-search
configurations (stemming, stop words; the GIN indexes of the migrations serve
both); SQLite, the one-machine default, matches every word as a substring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, cast, func, literal_column, or_, select, true
from sqlalchemy.orm import Session

from services.history.database import MentionRow
from services.history.queries import ReadContext, keyset_page, routed_to, status_condition
from services.history.views import MentionView

CONFIGURATIONS = ("dutch", "english")


@dataclass(frozen=True)
class SearchFilters:
    q: str | None = None
    topic: str | None = None
    department: str | None = None
    channel: str | None = None
    lang: str | None = None
    sentiment: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def words(q: str) -> list[str]:
    return [w for w in re.split(r"\W+", q.lower()) if w][:20]


def _like_escaped(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def text_condition(q: str, dialect: str) -> Any:
    if dialect == "postgresql":
        return or_(
            *(
                func.to_tsvector(literal_column(f"'{config}'"), MentionRow.text).op("@@")(
                    func.plainto_tsquery(literal_column(f"'{config}'"), q)
                )
                for config in CONFIGURATIONS
            )
        )
    return and_(
        true(),
        *(
            func.lower(MentionRow.text).like(f"%{_like_escaped(term)}%", escape="\\")
            for term in words(q)
        ),
    )


def topic_condition(topic: str) -> Any:
    """A person's tags when there are any, else the classifier's topics, hold `topic`."""
    topics = cast(func.coalesce(MentionRow.tags, MentionRow.topics), Text)
    return topics.like(f'%"{_like_escaped(topic)}"%', escape="\\")


def search(
    session: Session,
    filters: SearchFilters,
    ctx: ReadContext,
    cursor: str | None,
    limit: int,
) -> tuple[list[MentionView], str | None]:
    """Matching mentions, newest first."""
    dialect = session.get_bind().dialect.name
    query = select(MentionRow)
    full_text = dialect == "postgresql" and bool(filters.q and filters.q.strip())
    if filters.q and filters.q.strip():
        query = query.where(text_condition(filters.q, dialect))
    if filters.topic:
        query = query.where(topic_condition(filters.topic))
    if filters.department:
        query = query.where(routed_to(filters.department))
    if filters.channel:
        query = query.where(MentionRow.source == filters.channel)
    if filters.lang:
        query = query.where(MentionRow.lang == filters.lang)
    if filters.sentiment:
        query = query.where(MentionRow.sentiment == filters.sentiment)
    if filters.status:
        query = query.where(status_condition(filters.status, ctx))
    if filters.since:
        query = query.where(MentionRow.created_at >= filters.since)
    if filters.until:
        query = query.where(MentionRow.created_at < filters.until)
    return keyset_page(
        session, query, ctx, cursor, limit, newest_first=True, time_index=not full_text
    )
