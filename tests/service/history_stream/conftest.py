"""A notifier and a history process on the real broker, for the department event stream."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from services.common.kafka import ensure_topics
from services.common.organisation import load_organisation
from services.common.topics import TopicNames
from tests.conftest import free_port
from tests.support.processes import ServiceProcess, wait_healthy
from tests.unit.factories import EXAMPLE_CONFIG

ADMIN_KEY = "stream-test-admin-key"


@dataclass
class Pipeline:
    """notify (routing decisions in, department topics out) and history (the API)."""

    bootstrap: str
    topics: TopicNames
    api_url: str

    def client(self, key: str = ADMIN_KEY) -> httpx.Client:
        return httpx.Client(
            base_url=self.api_url, headers={"Authorization": f"Bearer {key}"}, timeout=30.0
        )


@pytest.fixture
def stream_pipeline(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path) -> Iterator[Pipeline]:
    topics = TopicNames(topic_prefix)
    organisation = load_organisation(EXAMPLE_CONFIG)  # no push targets: the topics only
    ensure_topics(kafka_bootstrap, topics.all_for(organisation.department_slugs), 3, 1)
    port = free_port()
    common = {
        "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "WEBCARE_TOPIC_PREFIX": topic_prefix,
        "WEBCARE_ORGANISATION_CONFIG": str(EXAMPLE_CONFIG),
        "WEBCARE_STATE_DIR": str(tmp_path / "state"),
        "WEBCARE_LOG_LEVEL": "INFO",
    }
    history = ServiceProcess(
        "history",
        {
            **common,
            "WEBCARE_HISTORY_PORT": str(port),
            "WEBCARE_HISTORY_METRICS_PORT": "0",
            "WEBCARE_ADMIN_KEY": ADMIN_KEY,
            "WEBCARE_HISTORY_STREAM_HEARTBEAT_S": "0.5",
        },
        tmp_path / "history.log",
    ).start()
    notify = ServiceProcess(
        "notify",
        {**common, "WEBCARE_NOTIFY_METRICS_PORT": "0", "WEBCARE_NOTIFY_SESSION_TIMEOUT_S": "10"},
        tmp_path / "notify.log",
    ).start()
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health", history)
        yield Pipeline(kafka_bootstrap, topics, f"http://127.0.0.1:{port}")
    finally:
        for service in (notify, history):
            if service.alive():
                service.stop()
