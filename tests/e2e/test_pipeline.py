"""End to end: a mention POSTed to ingest reaches the right department topics, the
department's webhook, and the history API, with every service a real process on
the real broker; on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from schemas import DeadLetter, DepartmentDelivery
from services.common.kafka import ensure_topics
from services.common.organisation import load_organisation
from services.common.topics import TopicNames
from services.notify.webhook import signature
from tests.conftest import free_port
from tests.support.kafka_reading import produce, read_topic
from tests.support.processes import ServiceProcess, wait_healthy
from tests.support.recording_server import RecordingServer
from tests.unit.factories import EXAMPLE_CONFIG

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]

SERVICES = ["ingest", "classify", "route", "notify", "history"]
HOOK_SECRET = "e2e-secret"
ADMIN_KEY = "e2e-admin-key"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def webhook() -> Iterator[RecordingServer]:
    with RecordingServer() as server:
        yield server


@pytest.fixture
def pipeline(
    kafka_bootstrap: str,
    topic_prefix: str,
    database_url: str,
    webhook: RecordingServer,
    tmp_path: Path,
) -> Iterator[dict[str, str]]:
    config = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    for dept in config["departments"]:
        if dept["slug"] == "service":
            dept["webhooks"] = [{"url": f"{webhook.url}/hook", "secret_env": "E2E_HOOK_SECRET"}]
    config_path = tmp_path / "organisation.yaml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    org = load_organisation(config_path)
    topics = TopicNames(topic_prefix)
    ensure_topics(kafka_bootstrap, topics.all_for(org.department_slugs), 3, 1)

    ingest_port, api_port = free_port(), free_port()
    env = {
        "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "WEBCARE_TOPIC_PREFIX": topic_prefix,
        "WEBCARE_ORGANISATION_CONFIG": str(config_path),
        "WEBCARE_STATE_DIR": str(tmp_path / "state"),
        "WEBCARE_DATABASE_URL": database_url,
        "WEBCARE_INGEST_PORT": str(ingest_port),
        "WEBCARE_HISTORY_PORT": str(api_port),
        "E2E_HOOK_SECRET": HOOK_SECRET,
        "WEBCARE_ADMIN_KEY": ADMIN_KEY,
        "WEBCARE_NOTIFY_RETRY_BASE_S": "0.05",
        **{f"WEBCARE_{name.upper()}_METRICS_PORT": "0" for name in SERVICES},
    }
    processes = {
        name: ServiceProcess(name, env, tmp_path / f"{name}.log").start() for name in SERVICES
    }
    try:
        wait_healthy(f"http://127.0.0.1:{ingest_port}/health", processes["ingest"])
        wait_healthy(f"http://127.0.0.1:{api_port}/health", processes["history"])
        yield {
            "ingest": f"http://127.0.0.1:{ingest_port}",
            "api": f"http://127.0.0.1:{api_port}",
            "bootstrap": kafka_bootstrap,
            "prefix": topic_prefix,
        }
    finally:
        codes = {name: process.stop() for name, process in processes.items()}
        logs = {name: process.log_tail() for name, process in processes.items()}
    assert codes == dict.fromkeys(SERVICES, 0), f"unclean shutdown {codes}\n{logs}"


def deliveries_of(values: list[bytes], mention_id: str) -> list[DepartmentDelivery]:
    found = [DepartmentDelivery.model_validate_json(v) for v in values]
    return [d for d in found if d.mention.id == mention_id]


def test_a_mention_travels_to_departments_webhook_and_history(
    pipeline: dict[str, str], webhook: RecordingServer
) -> None:
    topics = TopicNames(pipeline["prefix"])
    bootstrap = pipeline["bootstrap"]

    # Garbage first: the classifier must dead-letter it and carry on with what follows.
    produce(bootstrap, topics.raw, b"\xff definitely not a mention", key=b"junk")

    mention = {
        "source": "x",
        "external_id": "1790000000000000042",
        "author": {"id": "42", "handle": "boze_bea", "display_name": "Bea", "followers": 310},
        "text": "Ik ben boos: twee keer afgeschreven voor mijn donatie aan @openhart!",
        "created_at": "2026-11-20T09:15:00Z",
        "url": "https://x.com/boze_bea/status/1790000000000000042",
        "lang": "nl",
    }
    answer = httpx.post(f"{pipeline['ingest']}/v1/mentions", json=mention, timeout=30)
    assert answer.status_code == 202, answer.text
    mention_id = "x:1790000000000000042"
    assert answer.json() == {"accepted": 1, "ids": [mention_id]}

    expected = {"fondsenwerving", "service", "communicatie"}
    for slug in expected:
        values = read_topic(
            bootstrap, topics.department(slug), lambda v: bool(deliveries_of(v, mention_id))
        )
        [delivery] = deliveries_of(values, mention_id)
        assert delivery.department == slug
        assert set(delivery.topics) == {"fundraising", "complaints"}
        assert delivery.priority == "urgent"
        assert delivery.route.rule == "topic"

    # a department whose topics don't match got nothing
    assert not deliveries_of(
        read_topic(bootstrap, topics.department("vrijwilligers"), lambda v: False, timeout_s=2),
        mention_id,
    )

    [hook_call] = webhook.wait_for(1)
    assert hook_call.path == "/hook"
    assert hook_call.headers["X-Webcare-Signature"] == signature(HOOK_SECRET, hook_call.body)
    assert json.loads(hook_call.body)["mention"]["id"] == mention_id

    dead = read_topic(bootstrap, topics.dlq, lambda v: len(v) >= 1)
    letters = [DeadLetter.model_validate_json(v) for v in dead]
    assert any(
        d.stage == "classify" and d.original() == b"\xff definitely not a mention" for d in letters
    )

    record = poll_json(
        f"{pipeline['api']}/v1/mentions/{mention_id}",
        lambda body: len(body.get("departments", [])) == 3 and len(body.get("deliveries", [])) >= 4,
    )
    assert set(record["topics"]) == {"fundraising", "complaints"}
    assert {d["department"] for d in record["departments"]} == expected
    channels = {(d["department"], d["channel"], d["outcome"]) for d in record["deliveries"]}
    assert ("service", "webhook", "delivered") in channels
    assert {(slug, "kafka", "delivered") for slug in expected} <= channels

    relationship = record["relationship_id"]
    conversation = poll_json(
        f"{pipeline['api']}/v1/relationships/{relationship}/conversation",
        lambda body: bool(body.get("mentions")),
    )
    assert [m["id"] for m in conversation["mentions"]] == [mention_id]

    # ingesting the same post again is a no-op downstream: same id, no second webhook call
    again = httpx.post(f"{pipeline['ingest']}/v1/mentions", json=mention, timeout=30)
    assert again.json()["ids"] == [mention_id]
    assert len(webhook.wait_for(2, timeout_s=8)) == 1


def poll_json(url: str, ready, timeout_s: float = 60.0) -> dict:
    import time

    deadline = time.monotonic() + timeout_s
    body: dict = {}
    while time.monotonic() < deadline:
        response = httpx.get(url, timeout=5, headers={"Authorization": f"Bearer {ADMIN_KEY}"})
        if response.status_code == 200:
            body = response.json()
            if ready(body):
                return body
        time.sleep(0.3)
    raise AssertionError(f"{url} not ready in {timeout_s}s; last answer {body}")
