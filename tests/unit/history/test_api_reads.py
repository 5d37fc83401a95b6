"""The API in process on both databases: authentication, queries, paging, search, erasure.

Data goes in through the projection (as the Kafka agents would put it);
actions here meet a publisher that has no Kafka, so they show what is checked
before anything is sent. The round trip through Kafka is in the service tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from schemas import ConversationEvent
from services.history.database import session_factories
from services.history.key_store import create_key
from services.history.keys import KeyKind, Scope
from services.history.projection import Message, project
from tests.unit.history.conftest import admin_client
from tests.unit.history.test_projection import REL, T0, classified, event, mention, routed

NOW = T0 + timedelta(hours=2)


@pytest.fixture
def put(engine: Engine) -> Callable[..., None]:
    _readers, writers = session_factories(engine)

    def apply(*messages: Message) -> None:
        for message in messages:
            project(writers, message, retry_delays_s=())

    return apply


@pytest.fixture
def client(engine: Engine) -> TestClient:
    return admin_client(engine, clock=lambda: NOW)  # type: ignore[return-value]


def key(engine: Engine, scopes: list[Scope], department: str | None) -> dict[str, str]:
    _readers, writers = session_factories(engine)
    with writers() as session, session.begin():
        _row, token = create_key(
            session,
            name=f"{department}-person",
            kind=KeyKind.OPERATOR,
            department=department,
            scopes=scopes,
            created_by="test",
            now=T0,
        )
    return {"Authorization": f"Bearer {token}"}


def corpus() -> list[Message]:
    """Five mentions of two people in two languages; the SLA of the first is past at NOW."""
    out: list[Message] = []
    texts = [
        ("1", "Ik wil graag vrijwilligers helpen", "nl", ["volunteers"], "positive", 1),
        ("2", "My donation was charged twice, please refund", "en", ["fundraising"], "negative", 3),
        ("3", "Wanneer is de volgende collecte?", "nl", ["fundraising"], "neutral", 3),
        ("4", "Volunteering days are great", "en", ["volunteers"], "positive", 3),
        ("5", "Persbericht over de campagne", "nl", ["press"], "neutral", 3),
    ]
    for n, (ext, text, lang, topics, sentiment, sla_h) in enumerate(texts):
        m = mention(
            ext,
            text=text,
            lang=lang,
            created_at=T0 + timedelta(minutes=n),
            relationship_id=REL if n < 3 else "rel-other",
        )
        c = classified(m, topics=topics, sentiment=sentiment)
        out.append(routed(c, sla_deadline=T0 + timedelta(hours=sla_h)))
    return out


def ids(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [m["id"] for m in answer.json()["items"]]


def test_no_key_is_401_and_health_needs_none(engine: Engine) -> None:
    anonymous = TestClient(admin_client(engine).app)  # type: ignore[attr-defined]
    assert anonymous.get("/health").status_code == 200
    assert anonymous.get("/ready").status_code == 200
    answer = anonymous.get("/v1/search")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    wrong = anonymous.get("/v1/search", headers={"Authorization": "Bearer wck_abc_def"})
    assert wrong.status_code == 401


def test_scopes(engine: Engine, client: TestClient, put: Callable[..., None]) -> None:
    put(*corpus())
    read_only = key(engine, [Scope.READ], "service")
    act_only = key(engine, [Scope.ACT], "service")
    assert client.get("/v1/search", headers=read_only).status_code == 200
    assert client.get("/v1/search", headers=act_only).status_code == 403
    assert client.post("/v1/mentions/mastodon:1/claim", headers=read_only).status_code == 403
    assert client.get("/v1/keys", headers=read_only).status_code == 403
    assert client.get("/v1/relationships/rel-x/export", headers=read_only).status_code == 403


def test_actions_are_checked_before_anything_is_sent(
    engine: Engine, client: TestClient, put: Callable[..., None]
) -> None:
    put(*corpus())
    put(event("claim-1", kind="claimed", actor="bob", at=NOW - timedelta(minutes=5)))
    ann = key(engine, [Scope.READ, Scope.ACT], "vrijwilligers")
    assert client.post("/v1/mentions/mastodon:404/claim", headers=ann).status_code == 404
    conflict = client.post("/v1/mentions/mastodon:1/claim", headers=ann)
    assert conflict.status_code == 409
    assert "bob" in conflict.json()["problems"][0]
    bad = client.post("/v1/mentions/mastodon:1/retag", headers=ann, json={"topics": ["nope"]})
    assert bad.status_code == 422
    blank = client.post("/v1/mentions/mastodon:1/reply", headers=ann, json={"text": ""})
    assert blank.status_code == 422
    # Valid, but Kafka is away: 503, and nothing was stored.
    answer = client.post("/v1/mentions/mastodon:2/claim", headers=ann)
    assert answer.status_code == 503
    assert client.get("/v1/mentions/mastodon:2").json()["status"] == "open"
    audit = client.get("/v1/audit").json()["items"]
    assert [(a["action"], a["outcome"]) for a in audit[:2]] == [
        ("claimed", "kafka_unavailable"),
        ("claimed", "conflict"),
    ]


def test_queues(client: TestClient, put: Callable[..., None]) -> None:
    put(*corpus())
    put(event("claim-1", kind="claimed", actor="bob", at=NOW - timedelta(minutes=5)))
    put(event("claim-2", mention_id="mastodon:3", kind="claimed", actor="cas", at=T0))  # expired
    put(event("done-5", mention_id="mastodon:5", kind="resolved", actor="cas", at=T0))
    queue = "/v1/departments/communicatie/queue"
    assert ids(client.get(queue)) == ["mastodon:2", "mastodon:3", "mastodon:4"]
    assert ids(client.get(queue, params={"state": "claimed"})) == ["mastodon:1"]
    assert ids(client.get(queue, params={"state": "overdue"})) == ["mastodon:1"]
    assert client.get("/v1/departments/nope/queue").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "vrijwilligers"}, ["mastodon:1"]),
        ({"q": "donation refund"}, ["mastodon:2"]),
        ({"q": "collecte", "lang": "nl"}, ["mastodon:3"]),
        ({"topic": "volunteers"}, ["mastodon:4", "mastodon:1"]),
        ({"sentiment": "negative"}, ["mastodon:2"]),
        ({"department": "vrijwilligers", "lang": "en"}, ["mastodon:4", "mastodon:2"]),
        ({"channel": "x"}, []),
        ({"since": "2025-03-01T09:03:00Z"}, ["mastodon:5", "mastodon:4"]),
        ({"until": "2025-03-01T09:01:00Z"}, ["mastodon:1"]),
        ({"status": "overdue"}, ["mastodon:1"]),
    ],
)
def test_search_filters(
    client: TestClient, put: Callable[..., None], params: dict[str, str], expected: list[str]
) -> None:
    put(*corpus())
    assert ids(client.get("/v1/search", params=params)) == expected


def test_search_finds_other_forms_of_a_word(
    engine: Engine, client: TestClient, put: Callable[..., None]
) -> None:
    """PostgreSQL stems (dutch and english configurations); SQLite finds the substring."""
    put(*corpus())
    stemmed = ["mastodon:2"] if engine.dialect.name == "postgresql" else []
    assert ids(client.get("/v1/search", params={"q": "donations"})) == stemmed
    assert ids(client.get("/v1/search", params={"q": "vrijwilliger"})) == ["mastodon:1"]
    assert ids(client.get("/v1/search", params={"q": "volunteer"})) == ["mastodon:4"]


def test_a_retag_changes_the_topic_filter(client: TestClient, put: Callable[..., None]) -> None:
    put(*corpus())
    put(event("tag-1", kind="retagged", topics=["press"], at=T0 + timedelta(hours=1)))
    assert ids(client.get("/v1/search", params={"topic": "press"})) == ["mastodon:5", "mastodon:1"]


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(limit=st.integers(1, 6))
def test_pages_cover_everything_once(
    client: TestClient, put: Callable[..., None], limit: int
) -> None:
    put(*corpus())
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/v1/search", params=params).json()
        seen += [m["id"] for m in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"mastodon:{n}" for n in (5, 4, 3, 2, 1)]


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(cursor=st.text(max_size=60), q=st.text(max_size=60))
def test_any_cursor_or_query_is_an_answer_never_a_crash(
    client: TestClient, cursor: str, q: str
) -> None:
    for path in ("/v1/search", f"/v1/relationships/{REL}/conversation"):
        answer = client.get(path, params={"cursor": cursor, "q": q})
        assert answer.status_code in (200, 400, 404, 422), answer.text


def test_conversation_pages_and_timeline(client: TestClient, put: Callable[..., None]) -> None:
    put(*corpus())
    put(event("reply-1", kind="replied", text="Welkom!", channel="x", at=T0 + timedelta(hours=1)))
    everything = client.get(f"/v1/relationships/{REL}/conversation").json()
    kinds = [i["kind"] for i in everything["items"]]
    assert kinds.count("mention") == 3
    assert kinds.count("routed") == 6
    assert kinds[-1] == "replied"
    assert everything["items"][-1]["actor"] == "jan@example.org"
    paged: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 4} | ({"cursor": cursor} if cursor else {})
        body = client.get(f"/v1/relationships/{REL}/conversation", params=params).json()
        paged += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert paged == [i["id"] for i in everything["items"]]


def test_profile(client: TestClient, put: Callable[..., None]) -> None:
    put(*corpus(), mention("9", source="bluesky", created_at=T0 + timedelta(days=40)))
    profile = client.get(f"/v1/relationships/{REL}/profile").json()
    assert profile["mentions"] == 4
    assert [h["source"] for h in profile["handles"]] == ["bluesky", "mastodon"]
    assert profile["first_contact"] == "2025-03-01T09:00:00Z"
    assert [m["month"] for m in profile["topics_over_time"]] == ["2025-03", "2025-04"]
    assert profile["topics_over_time"][0]["topics"] == {"fundraising": 2, "volunteers": 1}


def test_erasure_removes_the_person_and_keeps_them_out(
    engine: Engine, client: TestClient, put: Callable[..., None]
) -> None:
    put(*corpus())
    erased_at = datetime(2025, 3, 2, tzinfo=UTC)
    put(
        ConversationEvent(
            event_id="erase-1", kind="erased", relationship_id=REL, actor="dpo", at=erased_at
        )
    )
    assert client.get(f"/v1/relationships/{REL}/conversation").status_code == 404
    assert client.get(f"/v1/relationships/{REL}/export").status_code == 404
    put(*corpus()[:3])  # replayed from before the erasure: stays out
    assert client.get("/v1/mentions/mastodon:1").status_code == 404
    put(mention("later", created_at=erased_at + timedelta(days=1)))  # wrote again afterwards
    assert client.get("/v1/mentions/mastodon:later").status_code == 200
    assert ids(client.get("/v1/search")) == ["mastodon:later", "mastodon:5", "mastodon:4"]
