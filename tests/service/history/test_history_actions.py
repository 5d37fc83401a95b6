"""The history API as people use it, against the real process, broker and database.

Keys and scopes, every action going through Kafka and coming back through the
projection, the claim collision, queues, search, linking, the audit trail,
export and erasure, and a rebuild from offset zero that keeps the erased
person erased.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from schemas import (
    Author,
    ClassifiedMention,
    ConversationEvent,
    DepartmentRoute,
    Mention,
    RoutingDecision,
)
from services.common.topics import TopicNames
from services.history.database import make_engine
from services.history.rebuild import rebuild
from tests.service.history.conftest import History
from tests.support.kafka_reading import produce, read_topic

pytestmark = pytest.mark.kafka

NOW = datetime.now(UTC).replace(microsecond=0)


def decision(
    n: int,
    relationship: str,
    text: str,
    topics: list[str],
    departments: list[str],
    *,
    source: str = "x",
    lang: str = "nl",
    sentiment: str = "neutral",
    sla_minutes: int = 60,
) -> RoutingDecision:
    created = NOW - timedelta(hours=n)
    mention = Mention(
        id=f"{source}:{n}",
        source=source,
        external_id=str(n),
        relationship_id=relationship,
        thread_id=f"{source}:{n}",
        author=Author(id=f"a-{relationship}", handle=f"h_{relationship}"),
        text=text,
        lang=lang,
        created_at=created,
        ingested_at=created,
    )
    classified = ClassifiedMention(
        mention=mention,
        topics=topics,
        scores=dict.fromkeys(topics, 0.9),
        sentiment=sentiment,
        model_version="keywords-1",
        classified_at=created,
    )
    return RoutingDecision(
        decision_id=f"decision-{n}",
        relationship_id=relationship,
        classified=classified,
        departments=[DepartmentRoute(department=d, rule="topic") for d in departments],
        sla_deadline=created + timedelta(minutes=sla_minutes),
        decided_at=created,
    )


SEED = [
    decision(
        1,
        "rel-anna",
        "Mijn donatie is twee keer afgeschreven",
        ["fundraising", "complaints"],
        ["fondsenwerving", "service"],
    ),
    decision(
        2,
        "rel-anna",
        "Thanks for the quick answer about volunteering",
        ["volunteers"],
        ["vrijwilligers"],
        source="mastodon",
        lang="en",
        sentiment="positive",
        sla_minutes=24 * 60,
    ),
    decision(
        3,
        "rel-bob",
        "Ik wil vrijwilliger worden bij jullie",
        ["volunteers"],
        ["vrijwilligers"],
        sentiment="positive",
    ),
    decision(
        4, "rel-anna-2", "Ik ben Anna, ook op dit account", [], ["communicatie"], source="bluesky"
    ),
]


def eventually(probe: Callable[[], Any], history: History, timeout_s: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert history.process.alive(), history.process.log_tail()
        value = probe()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"never true\n{history.process.log_tail()}")


def seed(history: History, kafka_bootstrap: str, topic_prefix: str) -> None:
    topics = TopicNames(topic_prefix)
    for d in SEED:
        produce(
            kafka_bootstrap, topics.routed, d.model_dump_json().encode(), d.relationship_id.encode()
        )
    with history.client() as admin:
        eventually(
            lambda: len(admin.get("/v1/search", params={"limit": 10}).json()["items"]) == 4,
            history,
        )


def new_key(admin: httpx.Client, **body: Any) -> str:
    answer = admin.post("/v1/keys", json=body)
    assert answer.status_code == 201, answer.text
    token: str = answer.json()["token"]
    return token


def test_keys_scopes_and_every_action(
    history_process: History, kafka_bootstrap: str, topic_prefix: str
) -> None:
    history = history_process
    seed(history, kafka_bootstrap, topic_prefix)
    anonymous = httpx.Client(base_url=history.url, timeout=30)
    admin = history.client()

    # No key, a wrong key: 401; health needs none.
    assert anonymous.get("/health").status_code == 200
    assert anonymous.get("/ready").json() == {"status": "ready"}
    assert anonymous.get("/v1/mentions/x:1").status_code == 401
    assert history.client("wck_nope_nope").get("/v1/mentions/x:1").status_code == 401

    service = history.client(
        new_key(
            admin, name="service", kind="department", department="service", scopes=["read", "act"]
        )
    )
    sanne = history.client(
        new_key(
            admin,
            name="sanne@example.org",
            kind="operator",
            department="fondsenwerving",
            scopes=["read", "act"],
        )
    )
    reader_token = new_key(admin, name="board", kind="operator", scopes=["read"])
    reader = history.client(reader_token)

    # Out of scope: 403.
    assert reader.post("/v1/mentions/x:1/claim").status_code == 403
    assert reader.get("/v1/keys").status_code == 403
    volunteers = history.client(
        new_key(
            admin,
            name="vrijwilligers",
            kind="department",
            department="vrijwilligers",
            scopes=["read", "act"],
        )
    )
    elsewhere = volunteers.post("/v1/mentions/x:1/claim")  # x:1 went to fundraising and service
    assert elsewhere.status_code == 403, elsewhere.text
    assert "vrijwilligers" in elsewhere.json()["problems"][0]
    assert service.post("/v1/keys", json={}).status_code == 403

    # Claim, collision, release, claim by the other department.
    claimed = service.post("/v1/mentions/x:1/claim")
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["applied"] is True
    assert (
        claimed.json()["mention"]["claimed_by"] == "key:service"
    )  # a key never passes as a person
    collision = sanne.post("/v1/mentions/x:1/claim")
    assert collision.status_code == 409
    assert collision.json()["error"] == "claim_conflict"
    assert service.post("/v1/mentions/x:1/release").json()["mention"]["status"] == "open"
    taken = sanne.post("/v1/mentions/x:1/claim").json()
    assert (taken["mention"]["status"], taken["mention"]["claimed_department"]) == (
        "claimed",
        "fondsenwerving",
    )

    # Reply, re-tag, resolve.
    reply = sanne.post(
        "/v1/mentions/x:1/reply",
        json={"text": "Excuses, we storten het terug.", "channel": "x", "answered_elsewhere": True},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["mention"]["claimed_by"] is None  # a reply ends the claim
    assert sanne.post("/v1/mentions/x:1/retag", json={"topics": ["nonsense"]}).status_code == 422
    retag = sanne.post("/v1/mentions/x:1/retag", json={"topics": ["complaints"]}).json()
    assert retag["mention"]["tags"] == ["complaints"]
    resolved = service.post("/v1/mentions/x:1/resolve", json={"note": "done"}).json()
    assert resolved["mention"]["status"] == "resolved"

    # The events went to Kafka, keyed by relationship: every service sees the same truth.
    values = read_topic(
        kafka_bootstrap, TopicNames(topic_prefix).conversation_events, lambda v: len(v) >= 6
    )
    kinds = [ConversationEvent.model_validate_json(v).kind.value for v in values]
    assert kinds == ["claimed", "released", "claimed", "replied", "retagged", "resolved"]

    # The whole trail, with who.
    trail = reader.get("/v1/mentions/x:1").json()["trail"]
    people = [(item["kind"], item["actor"]) for item in trail if item["actor"] != "route"]
    assert people[-6:] == [
        ("claimed", "key:service"),
        ("released", "key:service"),
        ("claimed", "key:sanne@example.org"),
        ("replied", "key:sanne@example.org"),
        ("retagged", "key:sanne@example.org"),
        ("resolved", "key:service"),
    ]

    # Queues: x:1 is resolved; x:3 is open for vrijwilligers and overdue (SLA one hour).
    open_queue = reader.get("/v1/departments/vrijwilligers/queue").json()["items"]
    assert [m["id"] for m in open_queue] == ["x:3", "mastodon:2"]
    overdue = reader.get("/v1/departments/vrijwilligers/queue", params={"state": "overdue"})
    assert [m["id"] for m in overdue.json()["items"]] == ["x:3"]
    assert reader.get("/v1/departments/service/queue").json()["items"] == []
    assert reader.get("/v1/departments/nope/queue").status_code == 404

    # Search with filters; a page at a time.
    found = reader.get("/v1/search", params={"q": "vrijwilliger"}).json()["items"]
    assert [m["id"] for m in found] == ["x:3"]
    english = reader.get("/v1/search", params={"q": "answer", "lang": "en"}).json()["items"]
    assert [m["id"] for m in english] == ["mastodon:2"]
    by_topic = reader.get("/v1/search", params={"topic": "complaints", "status": "resolved"})
    assert [m["id"] for m in by_topic.json()["items"]] == ["x:1"]
    first = reader.get("/v1/search", params={"limit": 3}).json()
    second = reader.get("/v1/search", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [m["id"] for m in first["items"] + second["items"]] == [
        "x:1",
        "mastodon:2",
        "x:3",
        "bluesky:4",
    ]
    assert second["next_cursor"] is None

    # Link two accounts as one person: one conversation, one profile.
    linked = sanne.post(
        "/v1/relationships/rel-anna/link", json={"other_relationship_id": "rel-anna-2"}
    )
    assert linked.status_code == 200, linked.text
    conversation = reader.get("/v1/relationships/rel-anna-2/conversation").json()
    assert conversation["relationships"] == ["rel-anna", "rel-anna-2"]
    assert {m["id"] for m in conversation["mentions"]} == {"x:1", "mastodon:2", "bluesky:4"}
    profile = reader.get("/v1/relationships/rel-anna/profile").json()
    assert {h["source"] for h in profile["handles"]} == {"x", "mastodon", "bluesky"}
    assert profile["mentions"] == 3

    # The audit trail says who did what.
    audit = admin.get("/v1/audit", params={"limit": 100}).json()["items"]
    assert ("key:sanne@example.org", "claimed", "x:1", "conflict") in {
        (a["actor"], a["action"], a["target"], a["outcome"]) for a in audit
    }
    assert ("vrijwilligers", "claimed", "x:1", "forbidden") in {
        (a["actor"].removeprefix("key:"), a["action"], a["target"], a["outcome"]) for a in audit
    }
    assert ("key:admin", "key_created") in {(a["actor"], a["action"]) for a in audit}

    # Revoked keys stop working at once.
    key_id = reader_token.split("_")[1]
    assert admin.delete(f"/v1/keys/{key_id}").json()["revoked_at"] is not None
    assert reader.get("/v1/mentions/x:1").status_code == 401


def test_export_erase_and_rebuild(
    history_process: History, kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    history = history_process
    seed(history, kafka_bootstrap, topic_prefix)
    admin = history.client()
    bob = history.client(
        new_key(
            admin,
            name="bob-team",
            kind="department",
            department="vrijwilligers",
            scopes=["read", "act"],
        )
    )
    assert (
        bob.post(
            "/v1/mentions/x:3/reply",
            json={"text": "Welkom!", "channel": "x", "answered_elsewhere": True},
        ).status_code
        == 200
    )
    assert bob.get("/v1/relationships/rel-bob/export").status_code == 403

    exported = admin.get("/v1/relationships/rel-bob/export").json()
    assert [m["text"] for m in exported["mentions"]] == ["Ik wil vrijwilliger worden bij jullie"]
    assert [e["text"] for e in exported["events"]] == ["Welkom!"]

    erased = admin.post("/v1/relationships/rel-bob/erasure")
    assert erased.status_code == 200, erased.text
    assert admin.get("/v1/relationships/rel-bob/conversation").status_code == 404
    assert admin.get("/v1/mentions/x:3").status_code == 404
    assert admin.get("/v1/search", params={"q": "vrijwilliger"}).json()["items"] == []

    # A mention replayed from before the erasure does not come back.
    produce(
        kafka_bootstrap,
        TopicNames(topic_prefix).routed,
        SEED[2].model_dump_json().encode(),
        b"rel-bob",
    )
    produce(
        kafka_bootstrap,
        TopicNames(topic_prefix).routed,
        SEED[3].model_dump_json().encode(),
        b"rel-anna-2",
    )
    eventually(lambda: admin.get("/v1/mentions/bluesky:4").status_code == 200, history)
    assert admin.get("/v1/mentions/x:3").status_code == 404

    # Rebuild from offset zero into a fresh database: everyone back but the erased person.
    engine = make_engine(f"sqlite:///{tmp_path / 'rebuilt.db'}")
    try:
        report = rebuild(engine, kafka_bootstrap, TopicNames(topic_prefix))
        with engine.connect() as connection:
            ids = {row[0] for row in connection.exec_driver_sql("SELECT id FROM mentions")}
            erasures = connection.exec_driver_sql("SELECT relationship_id FROM erasures").all()
    finally:
        engine.dispose()
    assert ids == {"x:1", "mastodon:2", "bluesky:4"}
    assert [tuple(row) for row in erasures] == [("rel-bob",)]
    assert report.applied["RoutingDecision"] == 6

    assert history.process.stop() == 0, history.process.log_tail()
