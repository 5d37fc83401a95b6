"""History against a PostgreSQL cluster of its own that goes away for 45 s while mentions
come in: it waits, commits nothing past the outage, and stores every mention once the
database is back; nothing goes to the dead-letter topic. Poison still does, at once."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from schemas import Author, DeadLetter, Mention
from services.common.kafka import ensure_topics
from services.common.topics import TopicNames
from tests.conftest import free_port
from tests.support.kafka_reading import produce, read_topic
from tests.support.processes import ServiceProcess, wait_healthy

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

REPO = Path(__file__).resolve().parents[3]
ADMIN_KEY = "outage-test-admin-key"
AUTH = {"Authorization": f"Bearer {ADMIN_KEY}"}
OUTAGE_S = 45.0


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster this test may stop and start (deploy/postgres)."""

    data: Path
    port: int

    def start(self) -> str:
        started = subprocess.run(
            ["bash", str(REPO / "deploy/postgres/start.sh"), str(self.data), str(self.port)],
            capture_output=True,
            text=True,
        )
        assert started.returncode == 0, started.stderr
        return started.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        subprocess.run(["bash", str(REPO / "deploy/postgres/stop.sh"), str(self.data)], check=True)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    data = Path(f"/tmp/webcare-pg-outage-{uuid.uuid4().hex[:8]}")  # the postgres user reads it
    data.mkdir(mode=0o755)
    own = Cluster(data, free_port())
    admin_url = own.start()
    subprocess.run(["psql", admin_url, "-qc", "CREATE DATABASE history"], check=True)
    try:
        yield own
    finally:
        own.stop()
        shutil.rmtree(data, ignore_errors=True)


@dataclass
class History:
    service: ServiceProcess
    api: str
    metrics: str


@pytest.fixture
def history(
    kafka_bootstrap: str, topic_prefix: str, cluster: Cluster, tmp_path: Path
) -> Iterator[History]:
    ensure_topics(kafka_bootstrap, TopicNames(topic_prefix).pipeline(), 3, 1)
    port, metrics_port = free_port(), free_port()
    env = {
        "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "WEBCARE_TOPIC_PREFIX": topic_prefix,
        "WEBCARE_STATE_DIR": str(tmp_path / "state"),
        "WEBCARE_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{cluster.port}/history",
        "WEBCARE_HISTORY_PORT": str(port),
        "WEBCARE_HISTORY_METRICS_PORT": str(metrics_port),
        "WEBCARE_LOG_LEVEL": "INFO",
        "WEBCARE_ADMIN_KEY": ADMIN_KEY,
        "WEBCARE_OUTAGE_BACKOFF_MAX_S": "5",
    }
    service = ServiceProcess("history", env, tmp_path / "history.log").start()
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health", service)
        yield History(service, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{metrics_port}")
    finally:
        if service.alive():
            service.stop()


def mention(n: int, run: str) -> Mention:
    now = datetime.now(UTC)
    return Mention(
        id=f"x:{run}-{n}",
        source="x",
        external_id=f"{run}-{n}",
        relationship_id=f"rel-{run}-{n}",
        thread_id=f"x:{run}-{n}",
        author=Author(id=f"x-{n}", handle=f"person{n}"),
        text=f"Vraag nummer {n} over mijn donatie",
        created_at=now,
        ingested_at=now,
    )


def stored(api: str, mention_id: str) -> bool:
    return httpx.get(f"{api}/v1/mentions/{mention_id}", headers=AUTH, timeout=10).status_code == 200


def metric(metrics_url: str, name: str, labels: str) -> float:
    text = httpx.get(f"{metrics_url}/metrics", timeout=10).text
    found = re.search(rf"^{name}\{{{labels}\}} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def wait_stored(history: History, mention_ids: list[str], timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    missing = list(mention_ids)
    while missing:
        assert history.service.alive(), history.service.log_tail()
        assert time.monotonic() < deadline, f"not in history: {missing}"
        missing = [mention_id for mention_id in missing if not stored(history.api, mention_id)]
        time.sleep(0.5)


def send(kafka_bootstrap: str, topic: str, m: Mention) -> None:
    produce(kafka_bootstrap, topic, m.model_dump_json().encode(), m.relationship_id.encode())


def reasons(letters: list[bytes]) -> list[str]:
    return [DeadLetter.model_validate_json(value).reason for value in letters]


def test_a_database_outage_waits_and_loses_nothing(
    history: History, cluster: Cluster, kafka_bootstrap: str, topic_prefix: str
) -> None:
    topics = TopicNames(topic_prefix)
    run = uuid.uuid4().hex[:6]
    mentions = [mention(n, run) for n in range(10)]
    send(kafka_bootstrap, topics.raw, mentions[0])
    wait_stored(history, [mentions[0].id], 60)

    cluster.stop()
    stopped = time.monotonic()
    for m in mentions[1:]:  # nine mentions spread over the outage
        send(kafka_bootstrap, topics.raw, m)
        time.sleep(OUTAGE_S / 10)
    time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - stopped)))
    retries_during = metric(
        history.metrics,
        "webcare_stage_outage_retries_total",
        'reason="database_unavailable",stage="history"',
    )
    waiting_during = metric(history.metrics, "webcare_stage_waiting", 'stage="history"')
    health = httpx.get(f"{history.metrics}/health", timeout=10)  # the loop is alive: it waits
    cluster.start()

    wait_stored(history, [m.id for m in mentions])
    letters = read_topic(kafka_bootstrap, topics.dlq, lambda values: False, timeout_s=5)
    assert reasons(letters) == []
    assert retries_during > 0
    assert waiting_during == 1
    assert health.status_code == 200
    assert health.json()["heartbeat_age_s"] < 10
    assert metric(history.metrics, "webcare_stage_waiting", 'stage="history"') == 0


def test_poison_goes_to_the_dead_letter_topic_at_once_even_during_an_outage(
    history: History, cluster: Cluster, kafka_bootstrap: str, topic_prefix: str
) -> None:
    topics = TopicNames(topic_prefix)
    run = uuid.uuid4().hex[:6]
    before, good = mention(0, run), mention(1, run)
    send(kafka_bootstrap, topics.raw, before)
    wait_stored(history, [before.id], 60)

    cluster.stop()
    sent = time.monotonic()
    produce(
        kafka_bootstrap,
        topics.raw,
        b'{"id": "x:poison", "text": 42}',
        good.relationship_id.encode(),
    )
    send(kafka_bootstrap, topics.raw, good)

    letters = read_topic(kafka_bootstrap, topics.dlq, lambda values: len(values) >= 1, 20)
    assert reasons(letters) == ["invalid_mention"]
    assert time.monotonic() - sent < 20
    time.sleep(max(0.0, 20 - (time.monotonic() - sent)))  # past any bounded retry of the good one
    letters = read_topic(kafka_bootstrap, topics.dlq, lambda values: False, timeout_s=3)
    assert reasons(letters) == ["invalid_mention"]  # the good mention waits, it is not poison
    cluster.start()

    wait_stored(history, [good.id])
