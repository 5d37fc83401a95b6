"""A real history process per test, on SQLite and on PostgreSQL, with the real broker."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from services.common.kafka import ensure_topics
from services.common.topics import TopicNames
from tests.conftest import free_port
from tests.support.databases import throwaway_database
from tests.support.processes import ServiceProcess, wait_healthy

ADMIN_KEY = "service-test-admin-key"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The WEBCARE_DATABASE_URL to start with; empty means the default SQLite file."""
    if request.param == "sqlite":
        yield ""
        return
    postgres_url: str = request.getfixturevalue("postgres_url")
    with throwaway_database(postgres_url, "history_svc") as url:
        yield url


@dataclass
class History:
    process: ServiceProcess
    url: str
    metrics: str
    env: dict[str, str]

    def client(self, key: str = ADMIN_KEY) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {key}"}, timeout=30.0
        )


@pytest.fixture
def history_process(
    kafka_bootstrap: str, topic_prefix: str, database: str, tmp_path: Path
) -> Iterator[History]:
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
        "WEBCARE_HISTORY_ACTION_WAIT_S": "30",
    }
    service = ServiceProcess("history", env, tmp_path / "history.log").start()
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health", service)
        yield History(service, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{metrics_port}", env)
    finally:
        if service.alive():
            service.stop()
