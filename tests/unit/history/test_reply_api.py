"""The API's reply: posted through an account (reply_requested), its preview, the checks
before it (no reply channel, too long, unconfirmed warnings), answered elsewhere, and the
organisation's reply in the timeline with its link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from schemas import ConversationEvent, RoutingNotice
from services.common.organisation import Organisation, parse_organisation
from services.history.database import session_factories
from services.history.keys import Scope
from services.history.projection import Message, project
from tests.unit.history.conftest import admin_client
from tests.unit.history.test_api_reads import NOW, key
from tests.unit.history.test_projection import REL, T0, classified, event, mention, routed

ORG: dict[str, Any] = {
    "name": "Open Hart",
    "triage_department": "communicatie",
    "topics": [
        {"slug": "volunteers", "name": "Vrijwilligers"},
        {"slug": "complaints", "name": "Klachten"},
    ],
    "departments": [
        {"slug": "vrijwilligers", "name": "Vrijwilligers", "topics": ["volunteers"]},
        {"slug": "communicatie", "name": "Communicatie", "topics": ["complaints"]},
    ],
    "accounts": [
        {
            "id": "main",
            "platform": "mastodon",
            "url": "http://127.0.0.1:9",
            "handle": "openhart@example.social",
            "credentials_env": "OPENHART_TOKEN",
            "departments": ["vrijwilligers", "communicatie"],
        }
    ],
    "reply_guidelines": {"phrases": [{"phrase": "we beloven", "advice": "Beloof niets."}]},
    "routing": {"crisis_team": ["communicatie"]},
}


class Inline:
    """Kafka and the projection in one step: every event is stored as history would."""

    def __init__(self, engine: Engine) -> None:
        self.writers = session_factories(engine)[1]
        self.events: list[ConversationEvent] = []

    def publish(self, event: ConversationEvent) -> None:
        self.events.append(event)
        project(self.writers, event, retry_delays_s=())


@pytest.fixture
def organisation() -> Organisation:
    return parse_organisation(ORG)


@pytest.fixture
def kafka(engine: Engine) -> Inline:
    return Inline(engine)


@pytest.fixture
def client(engine: Engine, kafka: Inline, organisation: Organisation) -> TestClient:
    return admin_client(  # type: ignore[return-value]
        engine,
        clock=lambda: NOW,
        publisher=kafka,
        organisation=organisation,
        instance_limits=lambda account: 80,
        departments=["vrijwilligers", "communicatie"],
    )


@pytest.fixture
def put(engine: Engine) -> Callable[..., None]:
    writers = session_factories(engine)[1]

    def apply(*messages: Message) -> None:
        for message in messages:
            project(writers, message, retry_delays_s=())

    return apply


@pytest.fixture
def member(engine: Engine, put: Callable[..., None]) -> dict[str, str]:
    put(routed(classified(mention("1"))), routed(classified(mention("7", source="rss"))))
    return key(engine, [Scope.READ, Scope.ACT], "vrijwilligers")


def test_a_reply_is_requested_from_the_account_with_what_publish_needs(
    client: TestClient, kafka: Inline, member: dict[str, str]
) -> None:
    answer = client.post(
        "/v1/mentions/mastodon:1/reply", headers=member, json={"text": "Welkom, Anna!"}
    )
    assert answer.status_code == 200, answer.text
    [requested] = kafka.events
    assert requested.kind.value == "reply_requested"
    assert (requested.account, requested.channel, requested.department) == (
        "main",
        "mastodon",
        "vrijwilligers",
    )
    assert requested.reply_to is not None
    assert (requested.reply_to.external_id, requested.reply_to.author_handle) == (
        "1",
        "@anna@example.social",
    )
    trail = client.get("/v1/mentions/mastodon:1").json()["trail"]
    assert [i["kind"] for i in trail][-1] == "reply_requested"
    assert answer.json()["mention"]["status"] == "open"  # only the platform's word answers


def test_a_source_without_a_reply_channel_is_422_and_answered_elsewhere_stays(
    client: TestClient, kafka: Inline, member: dict[str, str]
) -> None:
    refused = client.post("/v1/mentions/rss:7/reply", headers=member, json={"text": "Dank!"})
    assert refused.status_code == 422
    assert refused.json()["error"] == "no_reply_channel"
    assert "answered_elsewhere" in refused.json()["problems"][0]
    assert kafka.events == []
    recorded = client.post(
        "/v1/mentions/rss:7/reply",
        headers=member,
        json={"text": "Gebeld", "channel": "phone", "answered_elsewhere": True},
    )
    assert recorded.status_code == 200, recorded.text
    assert [e.kind.value for e in kafka.events] == ["replied"]
    lacking = client.post(
        "/v1/mentions/rss:7/reply", headers=member, json={"text": "x", "answered_elsewhere": True}
    )
    assert lacking.status_code == 422


def test_too_long_is_422_naming_the_limit_and_the_count(
    client: TestClient, kafka: Inline, member: dict[str, str]
) -> None:
    text = "x" * 70 + " https://openhart.nl/" + "a" * 100  # "@anna " 6 + 71 + the URL 23
    answer = client.post("/v1/mentions/mastodon:1/reply", headers=member, json={"text": text})
    assert answer.status_code == 422
    assert answer.json()["problems"] == ["100 characters; the limit on mastodon is 80"]
    assert kafka.events == []


def test_warnings_are_shown_and_need_confirming_never_block(
    client: TestClient, kafka: Inline, member: dict[str, str]
) -> None:
    text = "We beloven het: bel 06-12345678"
    preview = client.post(
        "/v1/mentions/mastodon:1/reply/preview", headers=member, json={"text": text}
    )
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["account"] == "main"
    assert body["text"] == f"@anna@example.social {text}"
    assert (body["length"], body["limit"], body["fits"]) == (len(f"@anna {text}"), 80, True)
    assert [w["kind"] for w in body["warnings"]] == ["personal_data", "phrase"]
    unconfirmed = client.post("/v1/mentions/mastodon:1/reply", headers=member, json={"text": text})
    assert unconfirmed.status_code == 409
    assert [w["kind"] for w in unconfirmed.json()["warnings"]] == ["personal_data", "phrase"]
    assert kafka.events == []
    sent = client.post(
        "/v1/mentions/mastodon:1/reply",
        headers=member,
        json={"text": text, "confirm_warnings": True},
    )
    assert sent.status_code == 200, sent.text
    direct = client.post(
        "/v1/mentions/mastodon:1/reply/preview",
        headers=member,
        json={"text": "Bel 06-12345678", "direct": True},
    )
    assert direct.json()["warnings"] == []
    assert direct.json()["visibility"] == "direct"


def test_a_reply_during_a_crisis_on_its_topic_names_the_crisis_team(
    client: TestClient, put: Callable[..., None], member: dict[str, str]
) -> None:
    complaint = classified(mention("9"), topics=["complaints"])
    put(routed(complaint))
    crisis = routed(
        complaint,
        at=T0 + timedelta(minutes=30),
        kind="crisis_raised",
        notice=RoutingNotice(reason="many complaints"),
    )
    preview = client.post(
        "/v1/mentions/mastodon:9/reply/preview", headers=member, json={"text": "Sorry"}
    )
    assert preview.json()["warnings"] == []
    put(crisis)
    preview = client.post(
        "/v1/mentions/mastodon:9/reply/preview", headers=member, json={"text": "Sorry"}
    )
    [warning] = preview.json()["warnings"]
    assert warning["kind"] == "crisis"
    assert "communicatie" in warning["message"]


def test_the_organisations_reply_shows_in_the_timeline_with_its_link(
    client: TestClient, put: Callable[..., None], member: dict[str, str]
) -> None:
    at = T0 + timedelta(minutes=10)
    put(
        event("req-1", kind="reply_requested", text="Welkom!", account="main", at=at),
        event(
            "req-1.replied",
            kind="replied",
            text="Welkom!",
            account="main",
            request_id="req-1",
            post_id="110",
            post_url="https://example.social/@openhart/110",
            at=at + timedelta(seconds=2),
        ),
        event(
            "req-2.failed",
            kind="reply_failed",
            request_id="req-2",
            failure_status=403,
            failure_message="forbidden",
            at=at + timedelta(seconds=3),
        ),
    )
    trail = client.get("/v1/mentions/mastodon:1").json()["trail"]
    items = {i["id"]: i for i in trail}
    assert items["req-1.replied"]["kind"] == "replied"
    assert items["req-1.replied"]["detail"]["post_url"] == "https://example.social/@openhart/110"
    assert items["req-2.failed"]["detail"]["failure_status"] == 403
    conversation = client.get(f"/v1/relationships/{REL}/conversation").json()
    kinds = [i["kind"] for i in conversation["items"]]
    assert "reply_failed" in kinds
    assert "replied" in kinds
