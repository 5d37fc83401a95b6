"""The organisation's own posts are marked `from_organisation` the same way on every ingest path.

The demo file goes in once through the webhook and once through `webcare replay`
(the command `make demo` runs), each onto its own topics; every mention must
come out marked the same, and the organisation's own posts marked as such.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from schemas import Mention
from services.common.kafka import ensure_topics
from services.common.organisation import load_organisation
from services.common.topics import TopicNames
from services.ingest.app import create_app
from services.ingest.channels import own_identities
from services.ingest.parsing import parse_source
from services.ingest.publisher import MentionPublisher
from services.ingest.settings import IngestSettings
from services.ingest.signatures import load_auth
from tests.conftest import REPO
from tests.support.kafka_reading import read_topic

pytestmark = pytest.mark.kafka

DEMO = REPO / "deploy/demo/mentions.jsonl"
CONFIG = REPO / "deploy/config/organisation.yaml"
# The #collecteweek post by @openhart that reached five departments as someone else's.
COLLECTEWEEK = "x:2122208739981086992"


def _marks(bootstrap: str, topics: TopicNames, count: int) -> dict[str, bool]:
    values = read_topic(bootstrap, topics.raw, lambda v: len(v) >= count, timeout_s=60)
    mentions = [Mention.model_validate_json(v) for v in values]
    return {m.id: m.from_organisation for m in mentions}


def test_replay_marks_own_posts_as_the_webhook_does(
    kafka_bootstrap: str, topics: TopicNames, publisher: MentionPublisher
) -> None:
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    org = load_organisation(CONFIG)
    handles = own_identities(org)
    settings = IngestSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=topics.prefix)
    auth = load_auth(org.sources.webhooks, {})  # the example takes its demo channels unsigned
    with TestClient(create_app(settings, publisher, handles, auth=auth)) as client:
        answer = client.post("/v1/mentions", json=[json.loads(line) for line in lines])
    assert answer.status_code == 202, answer.text
    by_webhook = _marks(kafka_bootstrap, topics, len(lines))

    replayed = TopicNames(f"{topics.prefix}r")
    ensure_topics(kafka_bootstrap, replayed.pipeline(), 3, 1)
    env = {
        **os.environ,
        "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "WEBCARE_TOPIC_PREFIX": replayed.prefix,
        "WEBCARE_ORGANISATION_CONFIG": str(CONFIG),
    }
    done = subprocess.run(
        [str(REPO / ".venv/bin/webcare"), "replay", str(DEMO), "--no-progress"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    by_replay = _marks(kafka_bootstrap, replayed, len(lines))

    assert by_webhook[COLLECTEWEEK]
    own = {i for i, marked in by_webhook.items() if marked}
    # every account in the config: @openhart on X and Instagram, the Facebook page, Mastodon
    assert {i.split(":")[0] for i in own} >= {"x", "instagram", "facebook", "mastodon"}
    assert by_replay == by_webhook


def test_parse_command_marks_own_posts_as_the_service_does(tmp_path: Path) -> None:
    """`python -m services.ingest parse` shows by hand what a connector publishes: same marks."""
    body = tmp_path / "demo.json"
    body.write_text(f"[{','.join(DEMO.read_text(encoding='utf-8').splitlines())}]")
    handles = own_identities(load_organisation(CONFIG))
    expected = {
        m.id: m.from_organisation
        for m in parse_source("webhook", body.read_bytes(), datetime.now(UTC), handles).mentions
    }
    done = subprocess.run(
        [sys.executable, "-m", "services.ingest", "parse", "--source", "webhook", str(body)],
        cwd=REPO,
        env={**os.environ, "WEBCARE_ORGANISATION_CONFIG": str(CONFIG)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    printed = [Mention.model_validate_json(line) for line in done.stdout.splitlines()]
    assert {m.id: m.from_organisation for m in printed} == expected
    assert expected[COLLECTEWEEK]
