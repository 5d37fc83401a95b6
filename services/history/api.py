"""The history HTTP API: a mention with everything that happened to it, and whole conversations.

Read-only for now (claim, reply, re-tag and resolve come later). Endpoints
are plain `def`: FastAPI runs them in its threadpool, so blocking database
reads never stall the Faust worker's event loop they share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas import Author, ConversationEventKind, DeliveryOutcome, Sentiment
from services.history.database import (
    ConversationEventRow,
    DeliveryReceiptRow,
    MentionRouteRow,
    MentionRow,
)


class View(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RouteView(View):
    department: str
    matched_topics: list[str]
    rule: str


class DeliveryView(View):
    receipt_id: str
    delivery_id: str
    department: str
    channel: str
    target: str
    outcome: DeliveryOutcome
    attempt: int
    status_code: int | None
    error: str | None
    at: datetime


class MentionView(View):
    """A mention as stored: classification and routing are null until they arrive."""

    id: str
    source: str
    external_id: str
    relationship_id: str
    thread_id: str
    author: Author
    text: str
    lang: str | None
    created_at: datetime
    url: str | None
    in_reply_to: str | None
    ingested_at: datetime
    topics: list[str] | None
    scores: dict[str, float] | None
    sentiment: Sentiment | None
    model_version: str | None
    priority: str | None
    sla_deadline: datetime | None
    departments: list[RouteView]
    deliveries: list[DeliveryView]


class EventView(View):
    event_id: str
    kind: ConversationEventKind
    relationship_id: str
    mention_id: str | None
    department: str | None
    actor: str
    text: str | None
    channel: str | None
    topics: list[str] | None
    linked_relationship_id: str | None
    at: datetime


class ConversationView(BaseModel):
    """Everything webcare knows about one relationship, oldest first."""

    relationship_id: str
    mentions: list[MentionView]
    events: list[EventView]


class Problem(BaseModel):
    error: str
    problems: list[str]


_MENTION_COLUMNS = [
    name for name in MentionView.model_fields if name not in ("departments", "deliveries")
]


def _not_found(error: str, problem: str) -> JSONResponse:
    return JSONResponse(
        status_code=404, content=Problem(error=error, problems=[problem]).model_dump()
    )


def _views(
    mentions: Sequence[MentionRow],
    routes: Sequence[MentionRouteRow],
    receipts: Sequence[DeliveryReceiptRow],
) -> list[MentionView]:
    routes_by_mention: dict[str, list[RouteView]] = defaultdict(list)
    for route in routes:
        routes_by_mention[route.mention_id].append(RouteView.model_validate(route))
    receipts_by_mention: dict[str, list[DeliveryView]] = defaultdict(list)
    for receipt in receipts:
        receipts_by_mention[receipt.mention_id].append(DeliveryView.model_validate(receipt))
    return [
        MentionView.model_validate(
            {name: getattr(row, name) for name in _MENTION_COLUMNS}
            | {"departments": routes_by_mention[row.id], "deliveries": receipts_by_mention[row.id]}
        )
        for row in mentions
    ]


def create_api(session_factory: Callable[[], Session]) -> FastAPI:
    api = FastAPI(title="webcare history", version="1")

    @api.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @api.get(
        "/v1/mentions/{mention_id:path}",
        response_model=MentionView,
        responses={404: {"model": Problem}},
    )
    def get_mention(mention_id: str) -> MentionView | JSONResponse:
        """One mention with its topics, departments and delivery attempts."""
        with session_factory() as session:
            row = session.get(MentionRow, mention_id)
            if row is None:
                return _not_found("mention_not_found", f"no mention with id {mention_id!r}")
            routes = session.scalars(
                select(MentionRouteRow)
                .where(MentionRouteRow.mention_id == mention_id)
                .order_by(MentionRouteRow.department)
            ).all()
            receipts = session.scalars(
                select(DeliveryReceiptRow)
                .where(DeliveryReceiptRow.mention_id == mention_id)
                .order_by(DeliveryReceiptRow.at, DeliveryReceiptRow.receipt_id)
            ).all()
            return _views([row], routes, receipts)[0]

    @api.get(
        "/v1/relationships/{relationship_id}/conversation",
        response_model=ConversationView,
        responses={404: {"model": Problem}},
    )
    def get_conversation(relationship_id: str) -> ConversationView | JSONResponse:
        """Every mention and event of one relationship, across channels and departments."""
        with session_factory() as session:
            mentions = session.scalars(
                select(MentionRow)
                .where(MentionRow.relationship_id == relationship_id)
                .order_by(MentionRow.created_at, MentionRow.id)
            ).all()
            routes = session.scalars(
                select(MentionRouteRow)
                .join(MentionRow, MentionRow.id == MentionRouteRow.mention_id)
                .where(MentionRow.relationship_id == relationship_id)
                .order_by(MentionRouteRow.department)
            ).all()
            receipts = session.scalars(
                select(DeliveryReceiptRow)
                .join(MentionRow, MentionRow.id == DeliveryReceiptRow.mention_id)
                .where(MentionRow.relationship_id == relationship_id)
                .order_by(DeliveryReceiptRow.at, DeliveryReceiptRow.receipt_id)
            ).all()
            events = session.scalars(
                select(ConversationEventRow)
                .where(ConversationEventRow.relationship_id == relationship_id)
                .order_by(ConversationEventRow.at, ConversationEventRow.event_id)
            ).all()
            if not mentions and not events:
                return _not_found(
                    "relationship_not_found",
                    f"nothing known about relationship {relationship_id!r}",
                )
            return ConversationView(
                relationship_id=relationship_id,
                mentions=_views(mentions, routes, receipts),
                events=[EventView.model_validate(event) for event in events],
            )

    return api
