"""Read queries of the history API: timelines, trails, queues, search and profiles.

Plain functions of a session and `now`; they return views, never rows, and
run the same on SQLite and PostgreSQL (search differs: see `search.py`).
Pages are keyset pages: the cursor is the sort key of the last item.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select, text
from sqlalchemy.orm import Session

from services.history.claims import effective_status
from services.history.database import (
    ConversationEventRow,
    DeliveryReceiptRow,
    MentionRouteRow,
    MentionRow,
    RelationshipLinkRow,
)
from services.history.projection import NOTICE_KINDS
from services.history.views import (
    BadCursor,
    DeliveryView,
    EventView,
    Handle,
    MentionView,
    Profile,
    RouteView,
    TimelineItem,
    TopicsInMonth,
    decode_cursor,
    encode_cursor,
)

MAX_LINKED = 100  # a person with more accounts than this is a data problem, not a person


@dataclass(frozen=True)
class ReadContext:
    now: datetime
    claim_ttl: timedelta


def linked_group(session: Session, relationship_id: str) -> list[str]:
    """The relationship and every account linked to it, directly or through others."""
    seen = {relationship_id}
    frontier = [relationship_id]
    while frontier and len(seen) < MAX_LINKED:
        found = session.scalars(
            select(RelationshipLinkRow.linked_relationship_id).where(
                RelationshipLinkRow.relationship_id.in_(frontier)
            )
        ).all()
        frontier = [r for r in found if r not in seen]
        seen.update(frontier)
    return sorted(seen)


def _not_erasure() -> Any:
    """The `erased` event is the record that data is gone, not data of the conversation."""
    return ConversationEventRow.kind != "erased"


def mention_views(
    session: Session, mentions: Sequence[MentionRow], ctx: ReadContext
) -> list[MentionView]:
    ids = [m.id for m in mentions]
    routes: dict[str, list[RouteView]] = defaultdict(list)
    receipts: dict[str, list[DeliveryView]] = defaultdict(list)
    if ids:
        for route in session.scalars(
            select(MentionRouteRow)
            .where(MentionRouteRow.mention_id.in_(ids))
            .order_by(MentionRouteRow.department)
        ):
            routes[route.mention_id].append(RouteView.model_validate(route))
        for receipt in session.scalars(
            select(DeliveryReceiptRow)
            .where(DeliveryReceiptRow.mention_id.in_(ids))
            .order_by(DeliveryReceiptRow.at, DeliveryReceiptRow.receipt_id)
        ):
            receipts[receipt.mention_id].append(DeliveryView.model_validate(receipt))
    return [_mention_view(m, routes[m.id], receipts[m.id], ctx) for m in mentions]


def _mention_view(
    row: MentionRow, routes: list[RouteView], receipts: list[DeliveryView], ctx: ReadContext
) -> MentionView:
    status = effective_status(row.status, row.claimed_at, ctx.now, ctx.claim_ttl)
    claimed = status == "claimed"
    return MentionView(
        id=row.id,
        source=row.source,
        external_id=row.external_id,
        relationship_id=row.relationship_id,
        thread_id=row.thread_id,
        author=row.author,
        text=row.text,
        lang=row.lang,
        created_at=row.created_at,
        url=row.url,
        in_reply_to=row.in_reply_to,
        ingested_at=row.ingested_at,
        topics=row.topics,
        tags=row.tags,
        scores=row.scores,
        sentiment=row.sentiment,
        model_version=row.model_version,
        classified_at=row.classified_at,
        priority=row.priority,
        sla_deadline=row.sla_deadline,
        decided_at=row.decided_at,
        status=status,
        claimed_by=row.claimed_by if claimed else None,
        claimed_department=row.claimed_department if claimed else None,
        claimed_at=row.claimed_at if claimed else None,
        resolved_at=row.resolved_at,
        departments=routes,
        deliveries=receipts,
        explanation=row.explanation,
    )


# Within one instant, the natural order of a mention's life.
_RANK = {"mention": 0, "classified": 1, "routed": 2, "delivery": 3}


def split_events(
    rows: Sequence[ConversationEventRow],
) -> tuple[list[EventView], list[TimelineItem]]:
    """People's conversation events, and route's notices (stored alongside) as trail items."""
    events: list[EventView] = []
    notices: list[TimelineItem] = []
    for row in rows:
        if row.kind in NOTICE_KINDS:
            notices.append(
                TimelineItem(
                    id=row.event_id,
                    kind=row.kind,  # a NOTICE_KINDS member, a TimelineKind too
                    at=row.at,
                    relationship_id=row.relationship_id,
                    mention_id=row.mention_id,
                    actor=row.actor,
                    department=row.department,
                    channel=row.channel,
                    text=row.text,
                )
            )
        else:
            events.append(EventView.model_validate(row))
    return events, notices


def timeline_items(
    mentions: Sequence[MentionView],
    events: Sequence[EventView],
    notices: Sequence[TimelineItem] = (),
) -> list[TimelineItem]:
    """Every mention, classification, routing, delivery, event and notice, oldest first."""
    items: list[TimelineItem] = list(notices)
    for m in mentions:
        base = {"relationship_id": m.relationship_id, "mention_id": m.id}
        items.append(
            TimelineItem(
                id=m.id,
                kind="mention",
                at=m.created_at,
                actor=m.author.handle,
                channel=m.source,
                text=m.text,
                detail={"url": m.url, "lang": m.lang, "in_reply_to": m.in_reply_to},
                **base,
            )
        )
        if m.classified_at is not None:
            items.append(
                TimelineItem(
                    id=f"{m.id}#classified",
                    kind="classified",
                    at=m.classified_at,
                    actor="classify",
                    topics=m.topics,
                    detail={"sentiment": m.sentiment, "model_version": m.model_version},
                    **base,
                )
            )
        for route in m.departments:
            items.append(
                TimelineItem(
                    id=f"{m.id}#routed#{route.department}",
                    kind="routed",
                    at=m.decided_at or m.ingested_at,
                    actor="route",
                    department=route.department,
                    topics=route.matched_topics,
                    detail={
                        "rule": route.rule,
                        "priority": m.priority,
                        "sla_deadline": m.sla_deadline.isoformat() if m.sla_deadline else None,
                    },
                    **base,
                )
            )
        for d in m.deliveries:
            items.append(
                TimelineItem(
                    id=d.receipt_id,
                    kind="delivery",
                    at=d.at,
                    actor="notify",
                    department=d.department,
                    channel=d.channel,
                    detail={"outcome": d.outcome.value, "target": d.target, "attempt": d.attempt},
                    **base,
                )
            )
    for e in events:
        items.append(
            TimelineItem(
                id=e.event_id,
                kind=e.kind.value,
                at=e.at,
                relationship_id=e.relationship_id,
                mention_id=e.mention_id,
                actor=e.actor,
                department=e.department,
                channel=e.channel,
                text=e.text,
                topics=e.topics,
                detail=_event_detail(e),
            )
        )
    items.sort(key=_timeline_key)
    return items


def _event_detail(e: EventView) -> dict[str, Any]:
    """What an event adds to its timeline item: a link, or a posted reply's id and URL."""
    detail: dict[str, Any] = {}
    for name in (
        "linked_relationship_id",
        "account",
        "request_id",
        "post_id",
        "post_url",
        "failure_status",
        "failure_message",
    ):
        value = getattr(e, name)
        if value is not None:
            detail[name] = value
    return detail


def _timeline_key(item: TimelineItem) -> tuple[str, int, str]:
    return (item.at.isoformat(), _RANK.get(item.kind, 4), item.id)


def conversation(
    session: Session, relationship_id: str, ctx: ReadContext, cursor: str | None, limit: int
) -> tuple[list[str], list[TimelineItem], list[MentionView], list[EventView], str | None] | None:
    """One page of the timeline of a relationship and its linked accounts; None if unknown."""
    group = linked_group(session, relationship_id)
    mentions = session.scalars(
        select(MentionRow)
        .where(MentionRow.relationship_id.in_(group))
        .order_by(MentionRow.created_at, MentionRow.id)
    ).all()
    events = session.scalars(
        select(ConversationEventRow)
        .where(ConversationEventRow.relationship_id.in_(group), _not_erasure())
        .order_by(ConversationEventRow.at, ConversationEventRow.event_id)
    ).all()
    if not mentions and not events:
        return None
    mention_list = mention_views(session, mentions, ctx)
    event_list, notices = split_events(events)
    items = timeline_items(mention_list, event_list, notices)
    if cursor is not None:
        after = tuple(decode_cursor(cursor, 3))
        at, rank, last_id = after  # compared with (str, int, str) keys: other types would raise
        if not (isinstance(at, str) and type(rank) is int and isinstance(last_id, str)):
            raise BadCursor("cursor is not one this API gave out")
        items = [i for i in items if _timeline_key(i) > after]
    page = items[:limit]
    next_cursor = encode_cursor(list(_timeline_key(page[-1]))) if len(items) > limit else None
    on_page = {i.mention_id for i in page if i.mention_id}
    event_ids = {i.id for i in page}
    return (
        group,
        page,
        [m for m in mention_list if m.id in on_page],
        [e for e in event_list if e.event_id in event_ids],
        next_cursor,
    )


def mention_trail(
    session: Session, mention_id: str, ctx: ReadContext
) -> tuple[MentionView, list[TimelineItem]] | None:
    row = session.get(MentionRow, mention_id)
    if row is None:
        return None
    [view] = mention_views(session, [row], ctx)
    events = session.scalars(
        select(ConversationEventRow)
        .where(ConversationEventRow.mention_id == mention_id)
        .order_by(ConversationEventRow.at, ConversationEventRow.event_id)
    ).all()
    return view, timeline_items([view], *split_events(events))


def overdue_condition(now: datetime) -> Any:
    """The SQL for "past its SLA deadline and not resolved": the 'overdue' queue and gauge."""
    return and_(
        MentionRow.status != "resolved",
        MentionRow.sla_deadline.is_not(None),
        MentionRow.sla_deadline < now,
    )


def status_condition(status: str, ctx: ReadContext) -> Any:
    """The SQL for a mention's effective status: a claim lapsed by `claim_rule.lapsed`
    (`claimed_at <= now - ttl`) is open again."""
    expiry = ctx.now - ctx.claim_ttl
    live_claim = and_(MentionRow.status == "claimed", MentionRow.claimed_at > expiry)
    if status == "claimed":
        return live_claim
    if status == "resolved":
        return MentionRow.status == "resolved"
    if status == "overdue":
        return overdue_condition(ctx.now)
    return or_(
        MentionRow.status == "open",
        and_(MentionRow.status == "claimed", MentionRow.claimed_at <= expiry),
    )


def routed_to(department: str) -> Any:
    return exists().where(
        MentionRouteRow.mention_id == MentionRow.id, MentionRouteRow.department == department
    )


def keyset_page(
    session: Session,
    query: Select[MentionRow],
    ctx: ReadContext,
    cursor: str | None,
    limit: int,
    newest_first: bool,
    time_index: bool = True,
) -> tuple[list[MentionView], str | None]:
    """Pages mentions by (created_at, id), in either direction.

    `time_index=False` keeps PostgreSQL from walking the created_at index to
    find the first matches of a selective filter (a rare word would make it
    walk the whole table): it orders by an expression the index cannot serve,
    so the filter's own index (full text) finds the rows, and a top-N sort
    orders them.
    """
    if cursor is not None:
        at_text, last_id = decode_cursor(cursor, 2)
        try:
            at = datetime.fromisoformat(str(at_text))
        except ValueError as err:
            raise BadCursor("cursor is not one this API gave out") from err
        if at.tzinfo is None:  # ours always carry their offset; a naive time cannot be compared
            raise BadCursor("cursor is not one this API gave out")
        if newest_first:
            query = query.where(
                or_(
                    MentionRow.created_at < at,
                    and_(MentionRow.created_at == at, MentionRow.id < str(last_id)),
                )
            )
        else:
            query = query.where(
                or_(
                    MentionRow.created_at > at,
                    and_(MentionRow.created_at == at, MentionRow.id > str(last_id)),
                )
            )
    order_time: Any = MentionRow.created_at
    if not time_index:
        order_time = MentionRow.created_at.op("+")(text("interval '0 seconds'"))
    if newest_first:
        query = query.order_by(order_time.desc(), MentionRow.id.desc())
    else:
        query = query.order_by(MentionRow.created_at, MentionRow.id)
    rows = session.scalars(query.limit(limit + 1)).all()
    page = rows[:limit]
    next_cursor = (
        encode_cursor([page[-1].created_at.isoformat(), page[-1].id]) if len(rows) > limit else None
    )
    return mention_views(session, page, ctx), next_cursor


def queue(
    session: Session,
    department: str,
    state: str,
    ctx: ReadContext,
    cursor: str | None,
    limit: int,
) -> tuple[list[MentionView], str | None]:
    """A department's mentions in one state, oldest first (the next to answer on top)."""
    query = select(MentionRow).where(routed_to(department), status_condition(state, ctx))
    return keyset_page(session, query, ctx, cursor, limit, newest_first=False)


def profile(session: Session, relationship_id: str) -> Profile | None:
    group = linked_group(session, relationship_id)
    rows = session.execute(
        select(
            MentionRow.id,
            MentionRow.source,
            MentionRow.author,
            MentionRow.created_at,
            MentionRow.topics,
            MentionRow.tags,
        ).where(MentionRow.relationship_id.in_(group))
    ).all()
    if not rows:
        has_events = session.scalar(
            select(ConversationEventRow.event_id)
            .where(ConversationEventRow.relationship_id.in_(group), _not_erasure())
            .limit(1)
        )
        if has_events is None:
            return None
    handles: dict[tuple[str, str], dict[str, Any]] = {}
    months: dict[str, Counter[str]] = defaultdict(Counter)
    for _id, source, author, created_at, topics, tags in rows:
        key = (source, str(author.get("id")))
        entry = handles.setdefault(
            key,
            {
                "source": source,
                "author_id": str(author.get("id")),
                "handle": author.get("handle", ""),
                "display_name": author.get("display_name"),
                "mentions": 0,
                "first_seen": created_at,
                "last_seen": created_at,
            },
        )
        entry["mentions"] += 1
        entry["first_seen"] = min(entry["first_seen"], created_at)
        if created_at >= entry["last_seen"]:
            entry["last_seen"] = created_at
            entry["handle"] = author.get("handle", entry["handle"])
        months[created_at.strftime("%Y-%m")].update(tags if tags is not None else topics or [])
    routed = Counter(
        session.scalars(
            select(MentionRouteRow.department)
            .join(MentionRow, MentionRow.id == MentionRouteRow.mention_id)
            .where(MentionRow.relationship_id.in_(group))
        ).all()
    )
    times = [r.created_at for r in rows]
    return Profile(
        relationship_id=relationship_id,
        relationships=group,
        handles=[Handle(**h) for _, h in sorted(handles.items())],
        mentions=len(rows),
        first_contact=min(times) if times else None,
        last_contact=max(times) if times else None,
        topics_over_time=[
            TopicsInMonth(month=month, topics=dict(sorted(counts.items())))
            for month, counts in sorted(months.items())
        ],
        departments=dict(sorted(routed.items())),
    )
