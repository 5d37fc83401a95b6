"""Ingest on the real broker: accepted means on the topic; refused means 4xx and a dead letter."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from schemas import DeadLetter, Mention
from services.common.kafka import ensure_topics
from services.common.topics import TopicNames
from services.ingest.app import create_app
from services.ingest.publisher import MentionPublisher
from services.ingest.settings import IngestSettings
from services.ingest.signatures import SourceKeys, WebhookAuth
from tests.conftest import free_port
from tests.support.kafka_reading import read_topic

pytestmark = pytest.mark.kafka

VALID = {
    "source": "facebook",
    "external_id": "10158",
    "author": {"id": "f-9", "handle": "jan.devries"},
    "text": "Hoe word ik vrijwilliger?",
    "created_at": "2026-11-20T08:00:00Z",
}

FACEBOOK_UNSIGNED = WebhookAuth({"facebook": SourceKeys()})


@pytest.fixture
def client(kafka_bootstrap: str, topic_prefix: str) -> Iterator[TestClient]:
    topics = TopicNames(topic_prefix)
    ensure_topics(kafka_bootstrap, topics.pipeline(), 3, 1)
    settings = IngestSettings(
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=topic_prefix,
        max_batch=5,
        max_body_bytes=64_000,
    )
    publisher = MentionPublisher.connect(kafka_bootstrap, topics, 15.0)
    with TestClient(create_app(settings, publisher, (), auth=FACEBOOK_UNSIGNED)) as test_client:
        yield test_client
    publisher.close()


def test_accepted_mentions_are_on_the_raw_topic(
    client: TestClient, kafka_bootstrap: str, topic_prefix: str
) -> None:
    batch = [VALID, {**VALID, "external_id": "10159"}]
    answer = client.post("/v1/mentions", content=json.dumps(batch))
    assert answer.status_code == 202
    assert answer.json()["ids"] == ["facebook:10158", "facebook:10159"]
    values = read_topic(kafka_bootstrap, TopicNames(topic_prefix).raw, lambda v: len(v) >= 2)
    mentions = [Mention.model_validate_json(v) for v in values]
    assert sorted(m.id for m in mentions) == ["facebook:10158", "facebook:10159"]
    assert len({m.relationship_id for m in mentions}) == 1


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (b"{broken", 400, "invalid_json"),
        (json.dumps({**VALID, "text": ["not", "text"]}).encode(), 422, "invalid_mention"),
        (json.dumps([VALID] * 6).encode(), 413, "batch_too_large"),
        (b"[" + b" " * 70_000 + b"]", 413, "body_too_large"),
        (b"[]", 422, "empty_batch"),
    ],
)
def test_refused_input_gets_a_reason_and_a_dead_letter(
    client: TestClient,
    kafka_bootstrap: str,
    topic_prefix: str,
    body: bytes,
    status: int,
    reason: str,
) -> None:
    answer = client.post("/v1/mentions", content=body)
    assert answer.status_code == status
    assert answer.json()["error"] == reason
    assert answer.json()["problems"]
    dlq = read_topic(kafka_bootstrap, TopicNames(topic_prefix).dlq, lambda v: len(v) >= 1)
    [letter] = [DeadLetter.model_validate_json(v) for v in dlq]
    assert (letter.stage, letter.reason) == ("ingest", reason)
    if reason != "body_too_large":
        assert letter.original() == body


WITHOUT_TEXT = {k: v for k, v in VALID.items() if k != "text"}


@pytest.mark.parametrize("kind", ["post", "edit"])
def test_a_post_or_edit_without_text_is_refused_by_name(
    client: TestClient, kafka_bootstrap: str, topic_prefix: str, kind: str
) -> None:
    body = json.dumps({**WITHOUT_TEXT, "kind": kind}).encode()
    answer = client.post("/v1/mentions", content=body)
    assert answer.status_code == 422
    article = "an" if kind == "edit" else "a"
    assert answer.json() == {
        "error": "invalid_mention",
        "problems": [f"<body>.text: {article} {kind} needs it"],
    }
    dlq = read_topic(kafka_bootstrap, TopicNames(topic_prefix).dlq, lambda v: len(v) >= 1)
    [letter] = [DeadLetter.model_validate_json(v) for v in dlq]
    assert (letter.stage, letter.reason, letter.original()) == ("ingest", "invalid_mention", body)
    assert "text" in letter.detail


def test_a_delete_may_leave_the_text_out(
    client: TestClient, kafka_bootstrap: str, topic_prefix: str
) -> None:
    delete = {"source": "facebook", "external_id": "10158", "kind": "delete"}
    answer = client.post("/v1/mentions", json=delete)
    assert answer.status_code == 202
    [value] = read_topic(kafka_bootstrap, TopicNames(topic_prefix).raw, lambda v: len(v) >= 1)
    mention = Mention.model_validate_json(value)
    assert (mention.id, mention.kind, mention.text) == ("facebook:10158", "delete", "")


def test_kafka_unavailable_is_503_not_a_loss(topic_prefix: str) -> None:
    dead = f"127.0.0.1:{free_port()}"
    settings = IngestSettings(kafka_bootstrap=dead, topic_prefix=topic_prefix)
    publisher = MentionPublisher.connect(dead, TopicNames(topic_prefix), 3.0)
    with TestClient(create_app(settings, publisher, (), auth=FACEBOOK_UNSIGNED)) as test_client:
        answer = test_client.post("/v1/mentions", json=VALID)
    assert answer.status_code == 503
    assert answer.json()["error"] == "kafka_unavailable"
    assert answer.headers["Retry-After"]
