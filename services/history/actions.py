"""What people do through the API, as requests, and the conversation events they become.

Validation that needs no database is in the request models; `to_event` turns
a valid request of an authorised principal into the event that goes to Kafka.
Pure: ids and time are passed in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from schemas import ConversationEvent, ConversationEventKind

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
    text: str = Field(min_length=1, max_length=10_000)
    channel: Slug = Field(description="Where the reply is (to be) posted, e.g. 'x', 'email'.")


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
) -> ConversationEvent:
    text = channel = linked = None
    topics: list[str] | None = None
    if isinstance(request, Note):
        text = request.note
    elif isinstance(request, NoteText):
        text = request.text
    elif isinstance(request, Reply):
        text, channel = request.text, request.channel
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
    )
