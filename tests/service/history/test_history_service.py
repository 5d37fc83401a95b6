"""History as a real process against the real broker: topics in, conversation out, SIGTERM clean.

Runs once on the default SQLite file and once on PostgreSQL (a database of
its own in the session's cluster).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from schemas import (
    Author,
    ClassifiedMention,
    ConversationEvent,
    DeadLetter,
    DeliveryReceipt,
    DepartmentRoute,
    Mention,
    RoutingDecision,
)
from services.common.kafka import ensure_topics
from services.common.topics import TopicNames
from tests.conftest import free_port
from tests.support.databases import throwaway_database
from tests.support.kafka_reading import produce, read_topic
from tests.support.processes import ServiceProcess, wait_healthy

pytestmark = pytest.mark.kafka

NOW = datetime.now(UTC).replace(microsecond=0)
ADMIN_KEY = "service-test-admin-key"
AUTH = {"Authorization": f"Bearer {ADMIN_KEY}"}
REL = "rel-service"
MENTION = Mention(
    id="x:1001",
    source="x",
    external_id="1001",
    relationship_id=REL,
    thread_id="x:1001",
    author=Author(id="x-7", handle="kees"),
    text="Ik wil graag doneren, hoe werkt dat?",
    created_at=NOW,
    ingested_at=NOW,
)
CLASSIFIED = ClassifiedMention(
    mention=MENTION,
    topics=["fundraising"],
    scores={"fundraising": 0.88},
    sentiment="positive",
    model_version="keywords-1",
    classified_at=NOW,
)
DECISION = RoutingDecision(
    decision_id="decision-1",
    relationship_id=REL,
    classified=CLASSIFIED,
    departments=[DepartmentRoute(department="fondsenwerving", rule="topic")],
    priority="high",
    sla_deadline=NOW + timedelta(hours=1),
    decided_at=NOW,
)
RECEIPT = DeliveryReceipt(
    receipt_id="receipt-1",
    delivery_id="delivery-1",
    mention_id=MENTION.id,
    relationship_id=REL,
    department="fondsenwerving",
    channel="kafka",
    target="webcare.dept.fondsenwerving",
    outcome="delivered",
    attempt=1,
    at=NOW,
)
EVENT = ConversationEvent(
    event_id="event-1",
    kind="replied",
    relationship_id=REL,
    mention_id=MENTION.id,
    department="fondsenwerving",
    actor="sanne@example.org",
    text="Dank je! Via onze site kan het.",
    at=NOW + timedelta(minutes=1),
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The WEBCARE_DATABASE_URL to start with; empty means the default SQLite file."""
    if request.param == "sqlite":
        yield ""
        return
    postgres_url: str = request.getfixturevalue("postgres_url")
    with throwaway_database(postgres_url, "history_svc") as url:
        yield url


@pytest.fixture
def history(
    kafka_bootstrap: str, topic_prefix: str, database: str, tmp_path: Path
) -> Iterator[tuple[ServiceProcess, str, str]]:
    ensure_topics(kafka_bootstrap, TopicNames(topic_prefix).pipeline(), 3, 1)
    port, metrics_port = free_port(), free_port()
    env = {
        "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "WEBCARE_TOPIC_PREFIX": topic_prefix,
        "WEBCARE_STATE_DIR": str(tmp_path / "state"),
        "WEBCARE_DATABASE_URL": database,
        "WEBCARE_HISTORY_PORT": str(port),
        "WEBCARE_HISTORY_METRICS_PORT": str(metrics_port),
        "WEBCARE_LOG_LEVEL": "INFO",
        "WEBCARE_ADMIN_KEY": ADMIN_KEY,
    }
    service = ServiceProcess("history", env, tmp_path / "history.log").start()
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health", service)
        yield service, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{metrics_port}"
    finally:
        if service.alive():
            service.stop()


def wait_for(url: str, ready: Any, service: ServiceProcess, timeout_s: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout_s
    body: Any = None
    while time.monotonic() < deadline:
        assert service.alive(), service.log_tail()
        answer = httpx.get(url, timeout=5.0, headers=AUTH)
        body = answer.json() if answer.status_code == 200 else None
        if body is not None and ready(body):
            return body
        time.sleep(0.3)
    raise AssertionError(f"not ready: {url} -> {body}\n{service.log_tail()}")


def test_history_projects_every_topic_and_dead_letters_the_rest(
    history: tuple[ServiceProcess, str, str], kafka_bootstrap: str, topic_prefix: str
) -> None:
    service, api, metrics = history
    topics = TopicNames(topic_prefix)
    key = REL.encode()
    garbage = b'{"mention": "not a mention"}'
    # Out of order on purpose: every topic is consumed on its own.
    produce(kafka_bootstrap, topics.notifications_sent, RECEIPT.model_dump_json().encode(), key)
    produce(kafka_bootstrap, topics.classified, garbage, key)
    produce(kafka_bootstrap, topics.classified, CLASSIFIED.model_dump_json().encode(), key)
    produce(kafka_bootstrap, topics.routed, DECISION.model_dump_json().encode(), key)
    produce(kafka_bootstrap, topics.conversation_events, EVENT.model_dump_json().encode(), key)
    produce(kafka_bootstrap, topics.raw, MENTION.model_dump_json().encode(), key)

    conversation = wait_for(
        f"{api}/v1/relationships/{REL}/conversation",
        lambda body: (
            body["events"]
            and body["mentions"]
            and body["mentions"][0]["deliveries"]
            and body["mentions"][0]["priority"]
        ),
        service,
    )

    [mention] = conversation["mentions"]
    assert (mention["id"], mention["topics"], mention["sentiment"]) == (
        "x:1001",
        ["fundraising"],
        "positive",
    )
    assert mention["departments"] == [
        {"department": "fondsenwerving", "matched_topics": [], "rule": "topic"}
    ]
    assert [d["receipt_id"] for d in mention["deliveries"]] == ["receipt-1"]
    assert [e["text"] for e in conversation["events"]] == ["Dank je! Via onze site kan het."]
    trail = httpx.get(f"{api}/v1/mentions/x:1001", headers=AUTH).json()
    assert trail.pop("trail")
    assert trail == mention

    letters = read_topic(kafka_bootstrap, topics.dlq, lambda values: len(values) >= 1)
    [letter] = [DeadLetter.model_validate_json(value) for value in letters]
    assert (letter.stage, letter.reason, letter.topic) == (
        "history",
        "invalid_classified_mention",
        topics.classified,
    )
    assert letter.original() == garbage

    exposition = httpx.get(f"{metrics}/metrics").text
    for kind in ("mention", "classified", "routing", "receipt", "event"):
        assert re.search(rf'webcare_history_applied_total{{kind="{kind}"}} 1\.0', exposition), kind

    assert service.stop() == 0, service.log_tail()
    assert "Traceback" not in service.log_path.read_text(), service.log_tail()
