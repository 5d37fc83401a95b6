"""Builders of valid messages for tests; each test says only what matters to it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from schemas import Author, ClassifiedMention, Mention, Sentiment
from services.common.organisation import Organisation, load_organisation

EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "config" / "organisation.yaml"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def example_organisation() -> Organisation:
    return load_organisation(EXAMPLE_CONFIG)


def mention(text: str = "hallo", external_id: str = "1", source: str = "x") -> Mention:
    return Mention(
        id=f"{source}:{external_id}",
        source=source,
        external_id=external_id,
        relationship_id="rel-1",
        thread_id=f"{source}:{external_id}",
        author=Author(id="u1", handle="anna"),
        text=text,
        created_at=NOW,
        ingested_at=NOW,
    )


def classified(
    topics: list[str], sentiment: Sentiment = Sentiment.NEUTRAL, text: str = "hallo"
) -> ClassifiedMention:
    return ClassifiedMention(
        mention=mention(text),
        topics=topics,
        scores={t: 0.75 for t in topics},
        sentiment=sentiment,
        model_version="test",
        classified_at=NOW,
    )
