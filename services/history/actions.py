"""What people do through the API, as requests, and the conversation events they become.

Validation that needs no database is in the request models; `to_event` turns
a valid request of an authorised principal into the event that goes to Kafka.
Pure: ids and time are passed in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from schemas import ConversationEvent, ConversationEventKind, ReplyTarget

Slug = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")
]
RelationshipId = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Note(Request):
    """Claim, release and resolve carry at most a note."""

    note: str | None = Field(default=None, max_length=2000)


class NoteText(Request):
    """A free note on a mention, for colleagues; its own event kind (`note`)."""

    text: str = Field(min_length=1, max_length=4000)


class Reply(Request):
    """A reply: posted through an organisation account, or recorded as answered elsewhere."""

    text: str = Field(min_length=1, max_length=10_000)
    channel: Slug | None = Field(
        default=None,
        description=(
            "Where it was answered, e.g. 'x', 'email' (needed with answered_elsewhere);"
            " a posted reply goes to the mention's own platform."
        ),
    )
    account: Slug | None = Field(
        default=None,
        description=(
            "Organisation account to post from; default the account the mention named,"
            " else the department's own."
        ),
    )
    direct: bool = Field(default=False, description="Mastodon: send as a direct message.")
    confirm_warnings: bool = Field(
        default=False, description="Send although the guidelines warn (409 lists them)."
    )
    answered_elsewhere: bool = Field(
        default=False,
        description="Only record that it was answered outside webcare; nothing is posted.",
    )

    @model_validator(mode="after")
    def _elsewhere_names_channel(self) -> Reply:
        if self.answered_elsewhere and self.channel is None:
            raise ValueError("answered_elsewhere needs the channel it was answered on")
        return self


class ReplyDraft(Request):
    """A reply to check before sending: `POST .../reply/preview`."""

    text: str = Field(min_length=1, max_length=10_000)
    account: Slug | None = None
    direct: bool = False


class Retag(Request):
    topics: list[Slug] = Field(max_length=50, description="The mention's topics from now on.")


class Link(Request):
    other_relationship_id: RelationshipId = Field(description="Another account of the same person.")


def to_event(
    *,
    event_id: str,
    kind: ConversationEventKind,
    relationship_id: str,
    actor: str,
    department: str | None,
    at: datetime,
    mention_id: str | None = None,
    request: Request | None = None,
    reply_to: ReplyTarget | None = None,
) -> ConversationEvent:
    text = channel = linked = account = None
    direct = False
    topics: list[str] | None = None
    if isinstance(request, Note):
        text = request.note
    elif isinstance(request, NoteText):
        text = request.text
    elif isinstance(request, Reply):
        text, channel, account, direct = (
            request.text,
            request.channel,
            request.account,
            request.direct,
        )
        if kind is ConversationEventKind.REPLY_REQUESTED and reply_to is not None:
            channel = reply_to.source
    elif isinstance(request, Retag):
        topics = sorted(set(request.topics))
    elif isinstance(request, Link):
        linked = request.other_relationship_id
    return ConversationEvent(
        event_id=event_id,
        kind=kind,
        relationship_id=relationship_id,
        mention_id=mention_id,
        department=department,
        actor=actor,
        text=text,
        channel=channel,
        topics=topics,
        linked_relationship_id=linked,
        at=at,
        account=account,
        direct=direct,
        reply_to=reply_to,
    )
