"""Junk on the compacted cursor topic: dead-lettered and skipped, and the connectors still start.

Runs `python -m services.ingest` as a real process with a Bluesky source
pointing at a local Jetstream, after junk records were written to
`<prefix>.ingest.cursors` next to a good cursor.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import yaml

from schemas import DeadLetter, Mention
from services.common.topics import TopicNames
from tests.conftest import REPO, free_port
from tests.service.ingest.conftest import ORG_DID, jetstream_post
from tests.service.ingest.platforms import JetstreamServer
from tests.support.kafka_reading import produce, read_records, read_topic
from tests.support.processes import ServiceProcess, wait_healthy

pytestmark = pytest.mark.kafka

POSTS = 20
RESUME_AFTER = 9  # the good cursor: events up to and including post 9 were published before


def test_junk_cursor_records_are_dead_lettered_and_connectors_start(
    kafka_bootstrap: str, topics: TopicNames, tmp_path: Path
) -> None:
    server = JetstreamServer(pace_s=0.005)
    posts = [jetstream_post(n, relevant=True) for n in range(POSTS)]
    server.add(*posts)
    name = f"bluesky:{server.url}".encode()
    good = json.dumps({"time_us": posts[RESUME_AFTER]["time_us"]}).encode()
    junk = [
        (b"\xff\xfe-not-utf8", b'{"time_us": 1}'),
        (name, b"{not json"),  # the live connector's own key: its good cursor before must hold
        (b"feed:https://example.org/feed", b"[1, 2, 3]"),
    ]
    produce(kafka_bootstrap, topics.ingest_cursors, good, key=name)
    for key, value in junk:
        produce(kafka_bootstrap, topics.ingest_cursors, value, key=key)

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
        expected = POSTS - RESUME_AFTER - 1
        values = read_topic(kafka_bootstrap, topics.raw, lambda v: len(v) >= expected, 30)
        ids = sorted(Mention.model_validate_json(v).external_id for v in values)
        assert ids == sorted(
            f"at://did:plc:author00000000000000000/app.bsky.feed.post/3lpost{n:06d}"
            for n in range(RESUME_AFTER + 1, POSTS)
        ), ingest.log_tail()

        letters = [
            DeadLetter.model_validate_json(r.value)
            for r in read_records(kafka_bootstrap, topics.dlq, lambda rs: len(rs) >= 3, 30)
        ]
        assert [(d.stage, d.reason, d.topic) for d in letters] == [
            ("ingest", "invalid_cursor", topics.ingest_cursors)
        ] * 3
        assert sorted((base64.b64decode(d.key_b64 or ""), d.original()) for d in letters) == sorted(
            junk
        )
        assert all(d.partition is not None and d.offset is not None for d in letters)
        details = sorted(d.detail.split(":")[0] for d in letters)
        assert details == [
            "key is not UTF-8",
            "value is JSON list, not an object",
            "value is not JSON",
        ]
    finally:
        if ingest.process is not None and ingest.alive():
            ingest.stop()
        server.close()
