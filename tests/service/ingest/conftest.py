"""Fixtures for ingest against the real broker: topics, a publisher, cursors, platform events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from services.common.kafka import ensure_topics
from services.common.topics import TopicNames
from services.ingest.cursors import CursorStore, load_cursors
from services.ingest.publisher import MentionPublisher

ORG_DID = "did:plc:openhart7x2k4q"


@pytest.fixture
def topics(kafka_bootstrap: str, topic_prefix: str) -> TopicNames:
    names = TopicNames(topic_prefix)
    ensure_topics(kafka_bootstrap, names.pipeline(), 3, 1)
    return names


@pytest.fixture
def publisher(kafka_bootstrap: str, topics: TopicNames) -> Iterator[MentionPublisher]:
    publisher = MentionPublisher.connect(kafka_bootstrap, topics, 15.0)
    yield publisher
    publisher.close()


def cursor_store(bootstrap: str, topics: TopicNames, publisher: MentionPublisher) -> CursorStore:
    """What a (re)started ingest process does: read every cursor back from the topic."""
    return CursorStore(
        publisher.producer,
        topics.ingest_cursors,
        load_cursors(bootstrap, topics.ingest_cursors, publisher),
    )


def jetstream_post(
    n: int, relevant: bool, did: str = "did:plc:author00000000000000000"
) -> dict[str, Any]:
    text = f"Bericht {n} voor @openhart.bsky.social" if relevant else f"Iets anders {n}"
    facets = (
        [
            {
                "index": {
                    "byteStart": len(f"Bericht {n} voor ".encode()),
                    "byteEnd": len(text.encode()),
                },
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": ORG_DID}],
            }
        ]
        if relevant
        else []
    )
    return {
        "did": did,
        "time_us": 1_763_630_000_000_000 + n,
        "kind": "commit",
        "commit": {
            "rev": f"rev{n}",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": f"3lpost{n:06d}",
            "record": {
                "$type": "app.bsky.feed.post",
                "createdAt": "2026-11-20T09:00:00.000Z",
                "langs": ["nl"],
                "text": text,
                "facets": facets,
            },
            "cid": f"bafy{n}",
        },
    }


def mastodon_notification(n: int) -> dict[str, Any]:
    status_id = str(113_000_000_000_000_000 + n)
    account = {
        "id": str(200 + n % 3),
        "username": f"user{n % 3}",
        "acct": f"user{n % 3}@mastodon.social",
        "display_name": f"User {n % 3}",
        "url": f"https://mastodon.social/@user{n % 3}",
        "followers_count": n,
    }
    return {
        "id": str(40_000_000 + n),
        "type": "mention",
        "created_at": "2026-11-20T10:00:00.000Z",
        "account": account,
        "status": {
            "id": status_id,
            "created_at": "2026-11-20T10:00:00.000Z",
            "in_reply_to_id": None,
            "spoiler_text": "",
            "visibility": "public",
            "language": "nl",
            "uri": f"https://mastodon.social/users/user{n % 3}/statuses/{status_id}",
            "url": f"https://mastodon.social/@user{n % 3}/{status_id}",
            "edited_at": None,
            "content": f"<p>@openhart bericht nummer {n} over vrijwilligerswerk</p>",
            "reblog": None,
            "account": account,
            "media_attachments": [],
            "mentions": [],
            "tags": [],
            "emojis": [],
        },
    }
