"""The webhook endpoint's hardening and CSV replay, on the real broker."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from schemas import DeadLetter, Mention
from services.common.topics import TopicNames
from services.ingest.app import create_app
from services.ingest.publisher import MentionPublisher
from services.ingest.replay import replay
from services.ingest.settings import IngestSettings
from services.ingest.signatures import SourceKeys, WebhookAuth, sign
from tests.support.kafka_reading import read_topic

pytestmark = pytest.mark.kafka

SECRET = b"linkedin-bridge-secret"
MENTION = {
    "source": "linkedin",
    "external_id": "urn:li:activity:7000",
    "author": {"id": "li-1", "handle": "Jan de Vries"},
    "text": "Mooi werk van de stichting!",
    "created_at": "2026-11-20T08:00:00Z",
}


@pytest.fixture
def client(
    kafka_bootstrap: str, topics: TopicNames, publisher: MentionPublisher
) -> Iterator[TestClient]:
    settings = IngestSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=topics.prefix)
    auth = WebhookAuth(
        {
            "linkedin": SourceKeys("X-Bridge-Signature", (SECRET,)),
            **{name: SourceKeys() for name in ("x", "facebook", "metrics_probe")},
        }
    )
    with TestClient(
        create_app(settings, publisher, handles=["@openhart"], auth=auth)
    ) as test_client:
        yield test_client


def _letters(bootstrap: str, topics: TopicNames) -> list[DeadLetter]:
    values = read_topic(bootstrap, topics.dlq, lambda v: len(v) >= 1, 20)
    return [DeadLetter.model_validate_json(v) for v in values]


def test_signed_source_needs_a_valid_signature(
    client: TestClient, kafka_bootstrap: str, topics: TopicNames
) -> None:
    body = json.dumps(MENTION).encode()
    now = int(time.time())
    good = client.post(
        "/v1/mentions", content=body, headers={"X-Bridge-Signature": sign(SECRET, body, now)}
    )
    assert good.status_code == 202
    forged = client.post(
        "/v1/mentions", content=body, headers={"X-Bridge-Signature": sign(b"guess", body, now)}
    )
    assert forged.status_code == 401
    assert forged.json()["error"] == "bad_signature"
    unsigned = client.post("/v1/mentions", content=body)
    assert unsigned.status_code == 401
    # Only sources configured `unsigned: true` are taken without a signature.
    other = client.post("/v1/mentions", json={**MENTION, "source": "facebook"})
    assert other.status_code == 202
    unknown = client.post("/v1/mentions", json={**MENTION, "source": "tiktok"})
    assert unknown.status_code == 401
    letters = read_topic(kafka_bootstrap, topics.dlq, lambda v: len(v) >= 3, 20)
    assert [DeadLetter.model_validate_json(v).reason for v in letters] == ["bad_signature"] * 3
    raw = read_topic(kafka_bootstrap, topics.raw, lambda v: len(v) >= 2, 20)
    assert sorted(Mention.model_validate_json(v).source for v in raw) == ["facebook", "linkedin"]


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (b"[" + b" " * (10 * 1024 * 1024) + b"]", 413, "body_too_large"),
        (b"[" * 50_000 + b"]" * 50_000, 400, "invalid_json"),
        (b'{"source": "x", "text": "\xff\xfe"}', 400, "invalid_json"),
        (json.dumps({**MENTION, "kind": "delete", "author": None}).encode(), 401, "bad_signature"),
        (
            json.dumps({"source": "x", "external_id": "1", "text": "t"}).encode(),
            422,
            "invalid_mention",
        ),
    ],
)
def test_hostile_bodies_are_4xx_and_dead_lettered(
    client: TestClient,
    kafka_bootstrap: str,
    topics: TopicNames,
    body: bytes,
    status: int,
    reason: str,
) -> None:
    answer = client.post("/v1/mentions", content=body)
    assert answer.status_code == status
    assert answer.json()["error"] == reason
    [letter] = _letters(kafka_bootstrap, topics)
    assert (letter.stage, letter.reason) == ("ingest", reason)


def test_own_posts_are_marked(client: TestClient, kafka_bootstrap: str, topics: TopicNames) -> None:
    own = {**MENTION, "source": "x", "author": {"id": "9", "handle": "OpenHart"}}
    assert client.post("/v1/mentions", json=own).status_code == 202
    [value] = read_topic(kafka_bootstrap, topics.raw, lambda v: len(v) >= 1, 20)
    assert Mention.model_validate_json(value).from_organisation


def test_csv_replay(
    publisher: MentionPublisher, kafka_bootstrap: str, topics: TopicNames, tmp_path: Path
) -> None:
    path = tmp_path / "mentions.csv"
    path.write_text(
        "source,external_id,author_id,author_handle,author_followers,text,created_at,lang\n"
        'x,1,42,anna,10,"Hoe word ik vrijwilliger, en wanneer?",2026-11-20T09:00:00Z,nl\n'
        "x,2,43,bert,,Great charity,2026-11-20T10:00:00+01:00,\n"
        "x,3,44,,,geen handle,2026-11-20T10:00:00Z,\n",
        encoding="utf-8",
    )
    report = replay(path, publisher, batch_size=2, show_progress=False)
    assert report.accepted == 2
    assert len(report.rejected) == 1
    assert report.rejected[0].startswith("line 4:")
    raw = read_topic(kafka_bootstrap, topics.raw, lambda v: len(v) >= 2, 20)
    mentions = sorted((Mention.model_validate_json(v) for v in raw), key=lambda m: m.id)
    assert [m.id for m in mentions] == ["x:1", "x:2"]
    assert mentions[0].text == "Hoe word ik vrijwilliger, en wanneer?"
    assert mentions[0].author.followers == 10
    assert mentions[1].lang == "en"
    [letter] = _letters(kafka_bootstrap, topics)
    assert letter.original() == b"x,3,44,,,geen handle,2026-11-20T10:00:00Z,"


def test_metrics_per_source(client: TestClient) -> None:
    from prometheus_client import REGISTRY

    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    # A source no other test posts: the newest-event gauge is a maximum over the whole process.
    source = "metrics_probe"
    ingested = sample("webcare_ingested_total", source=source)
    rejected = sample("webcare_ingest_rejected_total", source="linkedin", reason="bad_signature")
    assert client.post("/v1/mentions", json={**MENTION, "source": source}).status_code == 202
    assert client.post("/v1/mentions", json=MENTION).status_code == 401
    assert sample("webcare_ingested_total", source=source) == ingested + 1
    assert (
        sample("webcare_ingest_rejected_total", source="linkedin", reason="bad_signature")
        == rejected + 1
    )
    assert sample("webcare_ingest_newest_event_timestamp_seconds", source=source) == (
        1_795_161_600.0
    )
    assert sample("webcare_ingest_newest_event_age_seconds", source=source) > 0
