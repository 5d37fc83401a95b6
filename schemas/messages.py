"""The message models; every one carries `schema_version`."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _as_utc(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC so every stored time compares with every other."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
MentionId = Annotated[str, Field(min_length=3, max_length=300, pattern=r"^[a-z0-9_.-]+:.+$")]
Slug = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class Sentiment(StrEnum):
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


class Contract(BaseModel):
    """Base of every message: unknown fields are kept out, so a typo is an error, not data."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Author(Contract):
    id: str = Field(min_length=1, max_length=200)
    handle: str = Field(min_length=1, max_length=200)
    display_name: str | None = Field(default=None, max_length=300)
    profile_url: str | None = Field(default=None, max_length=2000)
    followers: int | None = Field(default=None, ge=0)


class Mention(Contract):
    """One public message about the organisation, normalised by ingest."""

    schema_version: Literal[1] = 1
    id: MentionId
    source: Slug
    external_id: str = Field(min_length=1, max_length=200)
    relationship_id: str = Field(min_length=1, max_length=100)
    thread_id: str = Field(min_length=1, max_length=300)
    author: Author
    text: str = Field(max_length=20_000)
    lang: str | None = Field(default=None, max_length=8)
    created_at: UtcDatetime
    url: str | None = Field(default=None, max_length=2000)
    in_reply_to: str | None = Field(default=None, max_length=300)
    ingested_at: UtcDatetime
    # Added by issue 3 (optional, so version 1 readers and old messages stay valid):
    # a post, a repost/boost, a new version of an earlier post (same id, `edited_at`), or a
    # delete (same id, empty text): downstream must drop the text it holds for that id.
    kind: Literal["post", "repost", "edit", "delete"] = "post"
    edited_at: UtcDatetime | None = None
    # Written by one of the organisation's own handles: routing can skip it.
    from_organisation: bool = False


class ShadowPrediction(Contract):
    """What a shadow model version said about a mention; recorded, never routed on."""

    model_version: str
    topics: list[str]
    scores: dict[str, float]
    sentiment: Sentiment


class TermWeight(Contract):
    """One word of a mention and how much it pushed a topic's score (coefficient x tf-idf)."""

    term: str = Field(max_length=200)
    weight: float


class ClassifiedMention(Contract):
    """A mention with its topics: `scores` for every topic considered, `topics` those kept."""

    schema_version: Literal[1] = 1
    mention: Mention
    topics: list[str]
    scores: dict[str, float]
    sentiment: Sentiment
    model_version: str
    classified_at: UtcDatetime
    # Added by issue 4 (optional): a second model's answer run beside the live one, and
    # per topic of `topics` the words of the text that pushed its score up most.
    shadow: ShadowPrediction | None = None
    explanation: dict[str, list[TermWeight]] | None = None


class TopicCorrection(Contract):
    """A person's re-tag of a mention, kept as a labelled example for training.

    On classify's compacted corrections topic, keyed by mention id (a later re-tag
    replaces an earlier one; an erasure or delete leaves a tombstone). People correct
    topics only, so `sentiment` is the model's.
    """

    schema_version: Literal[1] = 1
    mention_id: MentionId
    relationship_id: str
    text: str = Field(max_length=20_000)
    lang: str | None = None
    topics: list[str]
    sentiment: Sentiment
    predicted_topics: list[str]
    model_version: str
    event_id: str
    department: Slug | None = None
    corrected_at: UtcDatetime


class ModelCommand(Contract):
    """On classify's compacted control topic, keyed by role: the model version every
    classify worker runs live, or in shadow (`version` null: no shadow)."""

    schema_version: Literal[1] = 1
    command_id: str
    role: Literal["live", "shadow"]
    version: str | None = None
    at: UtcDatetime


class DepartmentRoute(Contract):
    """One department a mention goes to, and why."""

    department: Slug
    matched_topics: list[str] = Field(default_factory=list)
    rule: str
    scores: dict[str, float] = Field(default_factory=dict)


RoutingKind = Literal[
    "mention",
    "sla_expired",
    "escalated",
    "claim_refused",
    "sticky_hint",
    "guideline_warning",
    "crisis_raised",
    "crisis_cleared",
    "reply_failed",
]


class RoutingNotice(Contract):
    """Why route speaks up about a mention again (every kind but "mention" carries one)."""

    reason: str = Field(max_length=500)
    actor: str | None = Field(default=None, description="Claim holder, or who replied last.")
    actor_department: Slug | None = None
    claimant: str | None = Field(default=None, description="Whose claim was refused.")
    escalation_level: int | None = Field(default=None, ge=1)
    channel: str | None = None
    observed: float | None = Field(default=None, description="Count or minutes measured.")
    threshold: float | None = Field(default=None, description="What it was measured against.")


class RoutingDecision(Contract):
    """Where a classified mention goes: every department that should see it.

    `kind="mention"` is the first routing of a mention; other kinds are route's
    later words about it (SLA expired, escalated, claim refused, hint, guideline
    warning, crisis), with the reason in `notice`.
    """

    schema_version: Literal[1] = 1
    decision_id: str
    kind: RoutingKind = "mention"
    relationship_id: str
    classified: ClassifiedMention
    departments: list[DepartmentRoute] = Field(min_length=1)
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    sla_deadline: UtcDatetime | None = None
    decided_at: UtcDatetime
    priority_rules: list[str] = Field(default_factory=list, description="Rules that matched.")
    notice: RoutingNotice | None = None


class DepartmentDelivery(Contract):
    """What a department's queue (`webcare.dept.<slug>`) carries: one mention for one department."""

    schema_version: Literal[1] = 1
    delivery_id: str
    decision_id: str
    department: Slug
    route: DepartmentRoute
    relationship_id: str
    mention: Mention
    topics: list[str]
    sentiment: Sentiment
    priority: Literal["low", "normal", "high", "urgent"]
    sla_deadline: UtcDatetime | None = None
    conversation_url: str | None = None
    created_at: UtcDatetime
    kind: RoutingKind = Field(default="mention", description="The decision's kind it came from.")
    notice: RoutingNotice | None = None


class DeliveryOutcome(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"
    DEAD_LETTERED = "dead_lettered"


class DeliveryReceipt(Contract):
    """One delivery attempt's result; idempotent by `receipt_id`."""

    schema_version: Literal[1] = 1
    receipt_id: str
    delivery_id: str
    mention_id: MentionId
    relationship_id: str
    department: Slug
    channel: Literal["kafka", "webhook", "slack", "teams", "email", "stream"]
    target: str
    outcome: DeliveryOutcome
    attempt: int = Field(ge=1)
    status_code: int | None = None
    error: str | None = None
    ingested_at: UtcDatetime | None = None
    at: UtcDatetime


class ConversationEventKind(StrEnum):
    CLAIMED = "claimed"
    RELEASED = "released"
    REPLIED = "replied"
    RETAGGED = "retagged"
    RESOLVED = "resolved"
    LINKED = "linked"
    ERASED = "erased"  # GDPR erasure of the relationship (history deletes it, leaves a tombstone)
    NOTED = "note"  # a free note a person left on the mention for colleagues; changes no state
    # A person asked webcare to post a reply through an organisation account (publish posts
    # it and writes `replied` with the post's id and URL, or `reply_failed`).
    REPLY_REQUESTED = "reply_requested"
    REPLY_FAILED = "reply_failed"


class ReplyTarget(Contract):
    """What publish needs to thread a reply: the mention as its platform knows it."""

    source: Slug
    external_id: str = Field(min_length=1, max_length=300)
    author_handle: str = Field(min_length=1, max_length=200)
    author_id: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=2000)
    thread_root: str | None = Field(default=None, max_length=300)


class ConversationEvent(Contract):
    """Something a person did in a conversation; written by the API, read by every service."""

    schema_version: Literal[1] = 1
    event_id: str
    kind: ConversationEventKind
    relationship_id: str
    mention_id: MentionId | None = None
    department: Slug | None = None
    actor: str
    text: str | None = None
    channel: str | None = None
    topics: list[str] | None = None
    linked_relationship_id: str | None = None
    at: UtcDatetime
    # Added by the publishing issue (optional, so old events and readers stay valid):
    account: str | None = Field(default=None, description="Organisation account of a reply.")
    direct: bool = Field(default=False, description="Reply as a direct message (Mastodon).")
    reply_to: ReplyTarget | None = Field(default=None, description="On reply_requested.")
    request_id: str | None = Field(
        default=None, description="On replied/reply_failed by publish: the reply_requested id."
    )
    post_id: str | None = Field(default=None, max_length=300, description="The platform's id.")
    post_url: str | None = Field(default=None, max_length=2000)
    failure_status: int | None = Field(default=None, description="The platform's HTTP status.")
    failure_message: str | None = Field(default=None, max_length=2000)


# A letter carries its original base64-encoded and must still fit Kafka's default 1 MB message
# limit, or it is refused and the record of the bad input is lost: longer input is cut here.
DEAD_LETTER_MAX_ORIGINAL = 512 * 1024


class DeadLetter(Contract):
    """Input a stage could not handle, with the reason and the bytes exactly as received
    (the first `DEAD_LETTER_MAX_ORIGINAL` of them; `detail` says when they were cut)."""

    schema_version: Literal[1] = 1
    stage: str
    reason: str = Field(max_length=100)
    detail: str = Field(default="", max_length=4000)
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key_b64: str | None = None
    original_b64: str
    at: UtcDatetime

    @classmethod
    def of(
        cls,
        *,
        stage: str,
        reason: str,
        original: bytes,
        detail: str = "",
        topic: str | None = None,
        partition: int | None = None,
        offset: int | None = None,
        key: bytes | None = None,
        at: datetime,
    ) -> DeadLetter:
        if len(original) > DEAD_LETTER_MAX_ORIGINAL:
            detail = (
                f"original cut to {DEAD_LETTER_MAX_ORIGINAL} of {len(original)} bytes; {detail}"
            )
            original = original[:DEAD_LETTER_MAX_ORIGINAL]
        return cls(
            stage=stage,
            reason=reason,
            detail=detail[:4000],
            topic=topic,
            partition=partition,
            offset=offset,
            key_b64=base64.b64encode(key).decode() if key is not None else None,
            original_b64=base64.b64encode(original).decode(),
            at=at,
        )

    def original(self) -> bytes:
        return base64.b64decode(self.original_b64)


MESSAGE_MODELS: dict[str, type[Contract]] = {
    "Mention": Mention,
    "ClassifiedMention": ClassifiedMention,
    "RoutingDecision": RoutingDecision,
    "DepartmentDelivery": DepartmentDelivery,
    "DeliveryReceipt": DeliveryReceipt,
    "ConversationEvent": ConversationEvent,
    "DeadLetter": DeadLetter,
    "TopicCorrection": TopicCorrection,
    "ModelCommand": ModelCommand,
}
