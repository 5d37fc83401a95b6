"""Builders for the route tests: classified mentions and conversation events at chosen times."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import yaml

from schemas import (
    Author,
    ClassifiedMention,
    ConversationEvent,
    ConversationEventKind,
    Mention,
    Sentiment,
)
from services.common.organisation import Organisation, parse_organisation
from tests.unit.factories import EXAMPLE_CONFIG

# Friday 20 November 2026, 11:00 in Amsterdam (CET, UTC+1)
FRIDAY = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def organisation(**routing: Any) -> Organisation:
    """The worked example with its routing section replaced by `routing`."""
    data = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["routing"] = routing
    return parse_organisation(data)


def classified(
    topics: list[str],
    sentiment: Sentiment = Sentiment.NEUTRAL,
    text: str = "hallo",
    at: datetime = FRIDAY,
    followers: int | None = None,
    mention_id: str = "x:1",
    relationship_id: str = "rel-1",
) -> ClassifiedMention:
    source, external = mention_id.split(":", 1)
    mention = Mention(
        id=mention_id,
        source=source,
        external_id=external,
        relationship_id=relationship_id,
        thread_id=mention_id,
        author=Author(id="u1", handle="anna", followers=followers),
        text=text,
        created_at=at,
        ingested_at=at,
    )
    return ClassifiedMention(
        mention=mention,
        topics=topics,
        scores={t: 0.8 for t in topics},
        sentiment=sentiment,
        model_version="test",
        classified_at=at,
    )


def event(
    kind: str,
    actor: str,
    at: datetime,
    department: str | None = None,
    mention_id: str = "x:1",
    channel: str | None = None,
    event_id: str | None = None,
) -> ConversationEvent:
    return ConversationEvent(
        event_id=event_id or f"{kind}-{actor}-{at.isoformat()}",
        kind=ConversationEventKind(kind),
        relationship_id="rel-1",
        mention_id=mention_id,
        department=department,
        actor=actor,
        channel=channel,
        at=at,
    )
