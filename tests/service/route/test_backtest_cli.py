"""`webcare route backtest` on the real broker: reads history, compares, touches nothing live."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from kafka import KafkaAdminClient

from services.common.kafka import ensure_topics
from services.common.topics import TopicNames
from tests.support.kafka_reading import produce
from tests.unit.factories import EXAMPLE_CONFIG, example_organisation
from tests.unit.route.builders import FRIDAY, classified, event

pytestmark = pytest.mark.kafka

REPO = Path(__file__).resolve().parents[3]


def groups(bootstrap: str) -> set[str]:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        return {str(g.get("group_id", g)) for g in admin.list_groups()}
    finally:
        admin.close()


def test_backtest_prints_the_difference_and_commits_nothing(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    topics = TopicNames(topic_prefix)
    ensure_topics(kafka_bootstrap, topics.all_for(example_organisation().department_slugs), 3, 1)
    for mention in (
        classified(["programs"], text="dit is fraude", mention_id="x:fraud"),
        classified(["vacancies"], mention_id="x:hr", relationship_id="rel-2"),
        classified(["press"], mention_id="x:same", relationship_id="rel-3"),
    ):
        key = mention.mention.relationship_id.encode()
        produce(kafka_bootstrap, topics.classified, mention.model_dump_json().encode(), key)
    reply = event("replied", "chantal", FRIDAY.replace(day=22, hour=11), mention_id="x:hr")
    produce(kafka_bootstrap, topics.conversation_events, reply.model_dump_json().encode(), b"rel-2")

    current = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    del current["routing"]
    current_path = tmp_path / "current.yaml"
    current_path.write_text(yaml.safe_dump(current, allow_unicode=True), encoding="utf-8")
    before = groups(kafka_bootstrap)

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.cli",
            "route",
            "backtest",
            "--config",
            str(EXAMPLE_CONFIG),
            "--since",
            "1h",
        ],
        cwd=REPO,
        env={
            **os.environ,
            "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
            "WEBCARE_TOPIC_PREFIX": topic_prefix,
            "WEBCARE_ORGANISATION_CONFIG": str(current_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "3 mentions replayed; 2 would be handled differently" in out
    assert "x:fraud" in out
    assert "normal → urgent" in out
    assert "late → in_time" in out
    assert "x:same" not in out
    assert groups(kafka_bootstrap) == before  # no consumer group, no committed offsets
