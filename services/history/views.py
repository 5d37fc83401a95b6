"""What the API answers with: pydantic views of the stored rows, and the paging cursor."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas import Author, ConversationEventKind, DeliveryOutcome, Sentiment, TermWeight


class View(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Problem(BaseModel):
    error: str
    problems: list[str]
    warnings: list[dict[str, Any]] | None = Field(
        default=None, description="A reply's guideline warnings (409 confirm_warnings)."
    )


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


Status = Literal["open", "claimed", "resolved"]


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
    topics: list[str] | None = Field(description="The classifier's topics.")
    tags: list[str] | None = Field(description="Topics set by a person (re-tag); win over topics.")
    scores: dict[str, float] | None
    sentiment: Sentiment | None
    model_version: str | None
    classified_at: datetime | None
    priority: str | None
    sla_deadline: datetime | None
    decided_at: datetime | None
    status: Status = Field(description="open, claimed (a live claim) or resolved.")
    claimed_by: str | None
    claimed_department: str | None
    claimed_at: datetime | None
    resolved_at: datetime | None
    departments: list[RouteView]
    deliveries: list[DeliveryView]
    explanation: dict[str, list[TermWeight]] | None = Field(
        default=None,
        description="Per topic, the words of the text that drove the classifier's score "
        "(coefficient x tf-idf), strongest first.",
    )


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
    account: str | None = Field(default=None, description="Organisation account of a reply.")
    request_id: str | None = Field(default=None, description="replied/reply_failed: the request.")
    post_id: str | None = Field(default=None, description="replied: the platform's post id.")
    post_url: str | None = Field(default=None, description="replied: the post's link.")
    failure_status: int | None = Field(default=None, description="reply_failed: HTTP status.")
    failure_message: str | None = Field(default=None, description="reply_failed: why.")


TimelineKind = Literal[
    "mention",
    "classified",
    "routed",
    "delivery",
    "claimed",
    "released",
    "replied",
    "retagged",
    "resolved",
    "linked",
    "erased",
    "note",
    "reply_requested",
    "reply_failed",
    # Route's notices about a mention (RoutingDecision kinds other than "mention").
    "sla_expired",
    "escalated",
    "claim_refused",
    "sticky_hint",
    "guideline_warning",
    "crisis_raised",
    "crisis_cleared",
]


class TimelineItem(BaseModel):
    """One thing that happened in a conversation: who, when, what."""

    id: str = Field(description="Mention, decision, receipt or event id.")
    kind: TimelineKind
    at: datetime
    relationship_id: str
    mention_id: str | None = None
    actor: str = Field(description="Author handle, a service ('classify', 'route') or a person.")
    department: str | None = None
    channel: str | None = None
    text: str | None = None
    topics: list[str] | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class MentionTrail(MentionView):
    trail: list[TimelineItem] = Field(description="Everything that happened to it, oldest first.")


class ConversationPage(BaseModel):
    """One page of a relationship's timeline, across channels, departments and linked accounts."""

    relationship_id: str
    relationships: list[str] = Field(description="This one and every account linked to it.")
    items: list[TimelineItem]
    mentions: list[MentionView] = Field(description="The mentions that occur on this page.")
    events: list[EventView] = Field(description="The conversation events on this page.")
    next_cursor: str | None


class MentionPage(BaseModel):
    items: list[MentionView]
    next_cursor: str | None


class Handle(BaseModel):
    source: str
    author_id: str
    handle: str
    display_name: str | None
    mentions: int
    first_seen: datetime
    last_seen: datetime


class TopicsInMonth(BaseModel):
    month: str = Field(description="YYYY-MM of the mentions' created_at.")
    topics: dict[str, int]


class Profile(BaseModel):
    relationship_id: str
    relationships: list[str]
    handles: list[Handle]
    mentions: int
    first_contact: datetime | None
    last_contact: datetime | None
    topics_over_time: list[TopicsInMonth]
    departments: dict[str, int] = Field(description="Mentions routed to each department.")


class Export(BaseModel):
    """Everything stored about one relationship (GDPR access request)."""

    relationship_id: str
    exported_at: datetime
    profile: Profile
    mentions: list[MentionView]
    events: list[EventView]


class ActionResult(BaseModel):
    event_id: str
    applied: bool = Field(
        description="False when the projection had not applied the event within the wait (202)."
    )
    mention: MentionView | None = None


class KeyView(View):
    key_id: str
    name: str
    kind: Literal["department", "operator"]
    department: str | None
    scopes: list[Literal["read", "act", "admin"]]
    created_at: datetime
    created_by: str
    revoked_at: datetime | None


class NewKeyView(KeyView):
    token: str = Field(description="The key itself; shown only in this answer.")


class AuditView(View):
    id: int
    at: datetime
    actor: str
    key_id: str | None
    action: str
    target: str | None
    outcome: str
    event_id: str | None


class AuditPage(BaseModel):
    items: list[AuditView]
    next_cursor: str | None


class BadCursor(ValueError):
    pass


def encode_cursor(key: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, default=str).encode()).decode()


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeError) as err:
        raise BadCursor("cursor is not one this API gave out") from err
    if not isinstance(key, list) or len(key) != size:
        raise BadCursor("cursor is not one this API gave out")
    return key
