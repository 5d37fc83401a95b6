"""The history projection and its API, on SQLite and on a real PostgreSQL.

Every test runs twice: on a SQLite file in tmp_path, and (marked `postgres`)
in a database of its own inside the session's PostgreSQL (`postgres_url`, which
fails, rather than skips, when there is no PostgreSQL).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from schemas import (
    Author,
    ClassifiedMention,
    ConversationEvent,
    DeliveryReceipt,
    DepartmentRoute,
    Mention,
    RoutingDecision,
)
from services.history.database import (
    Base,
    MentionRow,
    session_factories,
)
from services.history.projection import Message, project
from tests.unit.history.conftest import admin_client

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
REL = "rel-aaaa"


def mention(external_id: str = "1", source: str = "mastodon", **changes: Any) -> Mention:
    fields: dict[str, Any] = {
        "id": f"{source}:{external_id}",
        "source": source,
        "external_id": external_id,
        "relationship_id": REL,
        "thread_id": f"{source}:{external_id}",
        "author": Author(id="42", handle="@anna@example.social", display_name="Anna"),
        "text": "Hoe kan ik vrijwilliger worden?",
        "lang": "nl",
        "created_at": T0,
        "url": f"https://example.social/@anna/{external_id}",
        "in_reply_to": None,
        "ingested_at": T0 + timedelta(seconds=5),
    }
    fields.update(changes)
    return Mention(**fields)


def classified(
    m: Mention, at: datetime = T0 + timedelta(seconds=10), **changes: Any
) -> ClassifiedMention:
    fields: dict[str, Any] = {
        "mention": m,
        "topics": ["volunteers"],
        "scores": {"volunteers": 0.91, "fundraising": 0.12},
        "sentiment": "positive",
        "model_version": "keywords-1",
        "classified_at": at,
    }
    fields.update(changes)
    return ClassifiedMention(**fields)


def routed(
    c: ClassifiedMention, at: datetime = T0 + timedelta(seconds=20), **changes: Any
) -> RoutingDecision:
    fields: dict[str, Any] = {
        "decision_id": f"decision-{c.mention.id}-{at.timestamp():.0f}",
        "relationship_id": c.mention.relationship_id,
        "classified": c,
        "departments": [
            DepartmentRoute(
                department="vrijwilligers", matched_topics=["volunteers"], rule="topic"
            ),
            DepartmentRoute(department="communicatie", matched_topics=[], rule="triage"),
        ],
        "priority": "high",
        "sla_deadline": T0 + timedelta(hours=4),
        "decided_at": at,
    }
    fields.update(changes)
    return RoutingDecision(**fields)


def receipt(mention_id: str = "mastodon:1", n: int = 1, **changes: Any) -> DeliveryReceipt:
    fields: dict[str, Any] = {
        "receipt_id": f"receipt-{mention_id}-{n}",
        "delivery_id": f"delivery-{mention_id}",
        "mention_id": mention_id,
        "relationship_id": REL,
        "department": "vrijwilligers",
        "channel": "webhook",
        "target": "https://hooks.example.org/vrijwilligers",
        "outcome": "delivered",
        "attempt": n,
        "status_code": 200,
        "at": T0 + timedelta(seconds=30 + n),
    }
    fields.update(changes)
    return DeliveryReceipt(**fields)


def event(event_id: str = "event-1", **changes: Any) -> ConversationEvent:
    fields: dict[str, Any] = {
        "event_id": event_id,
        "kind": "claimed",
        "relationship_id": REL,
        "mention_id": "mastodon:1",
        "department": "vrijwilligers",
        "actor": "jan@example.org",
        "at": T0 + timedelta(minutes=3),
    }
    fields.update(changes)
    return ConversationEvent(**fields)


@pytest.fixture
def readers(engine: Engine) -> Callable[[], Session]:
    return session_factories(engine)[0]


@pytest.fixture
def store(engine: Engine) -> Callable[..., None]:
    writers = session_factories(engine)[1]

    def apply(*messages: Message) -> None:
        for message in messages:
            project(writers, message, retry_delays_s=(0.05, 0.1))

    return apply


@pytest.fixture
def client(engine: Engine) -> TestClient:
    return admin_client(engine)  # type: ignore[return-value]


def snapshot(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in key order: two equal snapshots are the same state."""
    with Session(engine) as session:
        tables: dict[str, list[dict[str, Any]]] = {}
        for mapper in Base.registry.mappers:
            table = mapper.local_table
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            tables[table.name] = [dict(row) for row in rows]
        return tables


def mention_row(readers: Callable[[], Session], mention_id: str) -> MentionRow:
    with readers() as session:
        row = session.get(MentionRow, mention_id)
        assert row is not None, mention_id
        return row


def test_raw_mention_is_stored_unclassified(store, readers) -> None:
    store(mention())

    row = mention_row(readers, "mastodon:1")
    assert (row.relationship_id, row.lang) == (REL, "nl")
    assert row.text == "Hoe kan ik vrijwilliger worden?"
    assert row.author == {
        "id": "42",
        "handle": "@anna@example.social",
        "display_name": "Anna",
        "profile_url": None,
        "followers": None,
    }
    assert row.created_at == T0
    assert row.created_at.tzinfo is not None
    assert row.topics is None
    assert row.scores is None
    assert row.priority is None


def test_times_are_stored_as_utc(store, readers) -> None:
    amsterdam = timezone(timedelta(hours=2))
    store(mention(created_at=datetime(2025, 6, 1, 12, 0, tzinfo=amsterdam)))

    assert mention_row(readers, "mastodon:1").created_at == datetime(2025, 6, 1, 10, 0, tzinfo=UTC)


def test_classification_and_routing_are_stored(store, readers, engine) -> None:
    m = mention()
    store(m, routed(classified(m)))

    row = mention_row(readers, m.id)
    assert row.topics == ["volunteers"]
    assert row.scores == {"volunteers": 0.91, "fundraising": 0.12}
    assert (row.sentiment, row.model_version) == ("positive", "keywords-1")
    assert (row.priority, row.sla_deadline) == ("high", T0 + timedelta(hours=4))
    routes = snapshot(engine)["mention_routes"]
    assert [(r["department"], r["matched_topics"], r["rule"]) for r in routes] == [
        ("communicatie", [], "triage"),
        ("vrijwilligers", ["volunteers"], "topic"),
    ]


def test_receipts_and_events_are_stored(store, engine) -> None:
    store(receipt(n=1, outcome="failed", status_code=503, error="busy"), receipt(n=2), event())

    tables = snapshot(engine)
    assert [(r["attempt"], r["outcome"], r["error"]) for r in tables["delivery_receipts"]] == [
        (1, "failed", "busy"),
        (2, "delivered", None),
    ]
    assert [(e["event_id"], e["kind"], e["actor"]) for e in tables["conversation_events"]] == [
        ("event-1", "claimed", "jan@example.org")
    ]


def every_kind() -> list[Message]:
    m = mention()
    c = classified(m)
    return [m, c, routed(c), receipt(), event(kind="retagged", topics=["volunteers", "press"])]


@pytest.mark.parametrize("kind", range(5), ids=["raw", "classified", "routed", "receipt", "event"])
def test_applying_a_message_twice_is_idempotent(store, engine, kind: int) -> None:
    message = every_kind()[kind]
    store(message)
    once = snapshot(engine)

    store(message)

    assert snapshot(engine) == once
    assert sum(len(rows) for rows in once.values()) >= 1


def test_replaying_the_whole_stream_is_idempotent(store, engine) -> None:
    store(*every_kind())
    once = snapshot(engine)

    store(*every_kind())

    assert snapshot(engine) == once
    assert {name: len(rows) for name, rows in once.items()} == {
        "mentions": 1,
        "mention_routes": 2,
        "delivery_receipts": 1,
        "conversation_events": 1,
        "relationship_links": 0,
        "erasures": 0,
        "api_keys": 0,
        "audit_log": 0,
        "people": 0,
        "web_sessions": 0,
        "saved_replies": 0,
    }


def test_receipt_before_its_mention(store, client) -> None:
    store(receipt())
    assert client.get("/v1/mentions/mastodon:1").status_code == 404

    store(mention())

    body = client.get("/v1/mentions/mastodon:1").json()
    assert [d["receipt_id"] for d in body["deliveries"]] == ["receipt-mastodon:1-1"]


def test_raw_replay_after_classification_keeps_topics(store, readers) -> None:
    m = mention(lang=None)
    store(classified(m))

    store(mention(ingested_at=T0 + timedelta(hours=1)))  # a re-ingest, replayed late

    row = mention_row(readers, m.id)
    assert row.topics == ["volunteers"]
    assert row.sentiment == "positive"
    assert row.lang == "nl"  # filled in: the classified copy had none
    assert row.ingested_at == T0 + timedelta(seconds=5)  # the first sighting counts


def test_older_classification_does_not_overwrite_newer(store, readers) -> None:
    m = mention()
    store(classified(m, at=T0 + timedelta(minutes=5), topics=["press"], model_version="v2"))

    store(classified(m, at=T0 + timedelta(minutes=1)))

    row = mention_row(readers, m.id)
    assert (row.topics, row.model_version) == (["press"], "v2")


def test_older_routing_decision_does_not_overwrite_newer(store, readers, client) -> None:
    c = classified(mention())
    newer = routed(
        c,
        at=T0 + timedelta(minutes=5),
        priority="urgent",
        departments=[DepartmentRoute(department="vrijwilligers", rule="escalated")],
    )
    store(newer, routed(c))

    row = mention_row(readers, c.mention.id)
    assert (row.priority, row.decision_id) == ("urgent", newer.decision_id)
    departments = client.get(f"/v1/mentions/{c.mention.id}").json()["departments"]
    assert departments == [
        {"department": "communicatie", "matched_topics": [], "rule": "triage"},
        {"department": "vrijwilligers", "matched_topics": [], "rule": "escalated"},
    ]


def test_routing_creates_a_missing_mention(store, readers) -> None:
    m = mention()
    store(routed(classified(m)))

    row = mention_row(readers, m.id)
    assert (row.text, row.topics, row.priority) == (m.text, ["volunteers"], "high")


def test_concurrent_writes_end_classified_and_routed(store, readers) -> None:
    """Raw, classified and routed copies of mentions race, as three agents would."""
    messages: list[Message] = []
    for n in range(15):
        m = mention(str(n))
        c = classified(m)
        messages += [m, c, routed(c)]
    random.Random(11).shuffle(messages)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(store, messages))

    with readers() as session:
        rows = session.scalars(select(MentionRow)).all()
        assert len(rows) == 15
        assert {(r.topics == ["volunteers"], r.priority) for r in rows} == {(True, "high")}


def expected_mention_json() -> dict[str, Any]:
    return {
        "id": "mastodon:1",
        "source": "mastodon",
        "external_id": "1",
        "relationship_id": REL,
        "thread_id": "mastodon:1",
        "author": {
            "id": "42",
            "handle": "@anna@example.social",
            "display_name": "Anna",
            "profile_url": None,
            "followers": None,
        },
        "text": "Hoe kan ik vrijwilliger worden?",
        "lang": "nl",
        "created_at": "2025-03-01T09:00:00Z",
        "url": "https://example.social/@anna/1",
        "in_reply_to": None,
        "ingested_at": "2025-03-01T09:00:05Z",
        "topics": ["volunteers"],
        "scores": {"volunteers": 0.91, "fundraising": 0.12},
        "sentiment": "positive",
        "model_version": "keywords-1",
        "classified_at": "2025-03-01T09:00:10Z",
        "priority": "high",
        "sla_deadline": "2025-03-01T13:00:00Z",
        "decided_at": "2025-03-01T09:00:20Z",
        # The re-tag event of every_kind(): a person's topics win over the classifier's.
        "tags": ["volunteers", "press"],
        "status": "open",
        "claimed_by": None,
        "claimed_department": None,
        "claimed_at": None,
        "resolved_at": None,
        "departments": [
            {"department": "communicatie", "matched_topics": [], "rule": "triage"},
            {"department": "vrijwilligers", "matched_topics": ["volunteers"], "rule": "topic"},
        ],
        "deliveries": [
            {
                "receipt_id": "receipt-mastodon:1-1",
                "delivery_id": "delivery-mastodon:1",
                "department": "vrijwilligers",
                "channel": "webhook",
                "target": "https://hooks.example.org/vrijwilligers",
                "outcome": "delivered",
                "attempt": 1,
                "status_code": 200,
                "error": None,
                "at": "2025-03-01T09:00:31Z",
            }
        ],
        "explanation": None,
    }


def test_api_returns_a_mention(store, client) -> None:
    store(*every_kind())

    response = client.get("/v1/mentions/mastodon:1")

    assert response.status_code == 200
    body = response.json()
    trail = body.pop("trail")
    assert body == expected_mention_json()
    assert [(item["kind"], item["actor"]) for item in trail] == [
        ("mention", "@anna@example.social"),
        ("classified", "classify"),
        ("routed", "route"),
        ("routed", "route"),
        ("delivery", "notify"),
        ("retagged", "jan@example.org"),
    ]


def test_api_mention_id_may_contain_slashes(store, client) -> None:
    store(mention("https://blog.example.org/2025/03/post", source="rss"))

    response = client.get("/v1/mentions/rss:https://blog.example.org/2025/03/post")

    assert response.status_code == 200
    assert response.json()["external_id"] == "https://blog.example.org/2025/03/post"


def test_api_unknown_mention_is_404(client) -> None:
    response = client.get("/v1/mentions/mastodon:404")

    assert response.status_code == 404
    assert response.json() == {
        "error": "mention_not_found",
        "problems": ["no mention with id 'mastodon:404'"],
    }


def test_api_returns_a_conversation_in_order(store, client) -> None:
    first, second = mention(), mention("2", created_at=T0 - timedelta(days=1), lang="en")
    same_time = mention("0", created_at=T0)  # ties on created_at break on id
    elsewhere = mention("9", relationship_id="rel-other")
    store(*every_kind(), second, same_time, elsewhere)
    store(event("event-0", kind="replied", text="Welkom!", at=T0 + timedelta(minutes=1)))

    response = client.get(f"/v1/relationships/{REL}/conversation")

    assert response.status_code == 200
    body = response.json()
    assert body["relationship_id"] == REL
    assert [m["id"] for m in body["mentions"]] == [second.id, same_time.id, first.id]
    assert body["mentions"][2] == expected_mention_json()
    assert body["mentions"][0]["topics"] is None
    assert body["mentions"][0]["departments"] == []
    assert [(e["event_id"], e["kind"], e["text"]) for e in body["events"]] == [
        ("event-0", "replied", "Welkom!"),
        ("event-1", "retagged", None),
    ]
    assert body["events"][1]["topics"] == ["volunteers", "press"]


def test_api_conversation_of_events_only(store, client) -> None:
    store(event(relationship_id="rel-events-only", mention_id=None))

    body = client.get("/v1/relationships/rel-events-only/conversation").json()

    assert body["mentions"] == []
    assert [e["event_id"] for e in body["events"]] == ["event-1"]


def test_api_unknown_relationship_is_404(store, client) -> None:
    store(mention())

    response = client.get("/v1/relationships/rel-nobody/conversation")

    assert response.status_code == 404
    assert response.json()["error"] == "relationship_not_found"


def test_an_edit_replaces_the_text_and_a_late_original_does_not_restore_it(store, readers) -> None:
    m = mention()
    store(m)
    store(mention(kind="edit", text="Hoe word ik buddy?", edited_at=T0 + timedelta(minutes=5)))
    store(classified(m))  # the original's classification arrives after the edit

    assert mention_row(readers, m.id).text == "Hoe word ik buddy?"


def test_a_delete_removes_the_text_from_history(store, readers) -> None:
    m = mention()
    store(classified(m))
    store(mention(kind="delete", text=""))
    store(classified(m))  # a redelivered copy of the original must not bring it back

    row = mention_row(readers, m.id)
    assert row.text == ""
    assert row.relationship_id == REL


def test_claims_stored_before_their_mention_are_folded_with_the_configured_ttl(
    engine, readers
) -> None:
    writers = session_factories(engine)[1]
    ttl = timedelta(minutes=1)
    first = event("event-1", actor="ann", at=T0 + timedelta(minutes=3))
    second = event("event-2", actor="bob", at=T0 + timedelta(minutes=5))  # ann's lapsed
    for message in (first, second, mention()):
        project(writers, message, retry_delays_s=(0.05,), claim_ttl=ttl)

    assert mention_row(readers, "mastodon:1").claimed_by == "bob"
