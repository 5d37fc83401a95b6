"""Kill -9 the ingest process mid-stream and start it again: no gap, no duplicate.

Runs `python -m services.ingest` as a real process with a Bluesky source
pointing at a local Jetstream; events keep happening while it is dead.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from schemas import Mention
from services.common.topics import TopicNames
from tests.conftest import REPO, free_port
from tests.service.ingest.conftest import ORG_DID, jetstream_post
from tests.service.ingest.platforms import JetstreamServer
from tests.support.kafka_reading import read_topic
from tests.support.processes import ServiceProcess, wait_healthy

pytestmark = pytest.mark.kafka


def _raw_ids(bootstrap: str, topics: TopicNames, at_least: int) -> Counter[str]:
    values = read_topic(bootstrap, topics.raw, lambda v: len(v) >= at_least, timeout_s=30)
    return Counter(Mention.model_validate_json(v).id for v in values)


def test_kill_and_restart_resumes_without_gap_or_duplicate(
    kafka_bootstrap: str, topics: TopicNames, tmp_path: Path
) -> None:
    server = JetstreamServer(pace_s=0.02)
    server.add(*(jetstream_post(n, relevant=n % 2 == 0) for n in range(120)))
    config = yaml.safe_load((REPO / "deploy/config/organisation.yaml").read_text())
    config["sources"] = {"bluesky": [{"jetstream_url": server.url, "dids": [ORG_DID]}]}
    config_path = tmp_path / "organisation.yaml"
    config_path.write_text(yaml.safe_dump(config))
    port = free_port()
    env = {
        "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "WEBCARE_TOPIC_PREFIX": topics.prefix,
        "WEBCARE_ORGANISATION_CONFIG": str(config_path),
        "WEBCARE_INGEST_PORT": str(port),
        "WEBCARE_INGEST_METRICS_PORT": "0",
        "WEBCARE_INGEST_CONNECTOR_BACKOFF_S": "0.1",
    }
    ingest = ServiceProcess("ingest", env, tmp_path / "ingest.log")
    try:
        ingest.start()
        wait_healthy(f"http://127.0.0.1:{port}/health", ingest)
        assert sum(_raw_ids(kafka_bootstrap, topics, 15).values()) >= 15
        assert ingest.process is not None
        ingest.process.kill()
        ingest.process.wait()
        dead_at = sum(_raw_ids(kafka_bootstrap, topics, 0).values())
        assert dead_at < 60, "killed mid-stream, not after it"
        # Posts made while ingest is down.
        server.add(*(jetstream_post(n, relevant=n % 2 == 0) for n in range(120, 160)))
        ingest.start()
        wait_healthy(f"http://127.0.0.1:{port}/health", ingest)
        expected = Counter(
            f"bluesky:at://did:plc:author00000000000000000/app.bsky.feed.post/3lpost{n:06d}"
            for n in range(160)
            if n % 2 == 0
        )
        ids = _raw_ids(kafka_bootstrap, topics, sum(expected.values()))
        time.sleep(1.0)  # anything extra would be a duplicate: give it a moment to show up
        ids = _raw_ids(kafka_bootstrap, topics, sum(expected.values()) + 1)
        assert ids == expected, ingest.log_tail()
    finally:
        if ingest.process is not None and ingest.alive():
            ingest.stop()
        server.close()
