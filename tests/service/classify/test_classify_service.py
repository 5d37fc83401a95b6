"""Classify on the real broker: raw mentions in, classified mentions out with the model's
version and the organisation's rules applied; garbage to the dead-letter topic."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from schemas import ClassifiedMention, DeadLetter
from services.classify.artifacts import ensure_current
from services.common.kafka import ensure_topics
from services.common.topics import TopicNames
from tests.service.classify.conftest import raw_mention
from tests.support.kafka_reading import produce, read_topic
from tests.support.processes import ServiceProcess
from tests.unit.factories import EXAMPLE_CONFIG

pytestmark = pytest.mark.kafka


@pytest.fixture
def classify(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path) -> Iterator[TopicNames]:
    ensure_current()  # built before the process starts, so it only has to load it
    config = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    config["topic_rules"] = [{"topic": "press", "force": ["persbericht"]}]
    config_path = tmp_path / "organisation.yaml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    topics = TopicNames(topic_prefix)
    ensure_topics(kafka_bootstrap, topics.pipeline() + topics.changelogs(), 3, 1)
    env = {
        "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "WEBCARE_TOPIC_PREFIX": topic_prefix,
        "WEBCARE_ORGANISATION_CONFIG": str(config_path),
        "WEBCARE_STATE_DIR": str(tmp_path / "state"),
        "WEBCARE_CLASSIFY_METRICS_PORT": "0",
    }
    process = ServiceProcess("classify", env, tmp_path / "classify.log").start()
    try:
        yield topics
    finally:
        code = process.stop()
        assert code == 0, process.log_tail()


def test_classifies_with_model_and_rules(classify: TopicNames, kafka_bootstrap: str) -> None:
    angry = raw_mention("1", "Ik ben boos: twee keer afgeschreven voor mijn donatie!")
    forced = raw_mention("2", "Ons persbericht over de zomer staat online.")
    produce(kafka_bootstrap, classify.raw, b"\xff not a mention", key=b"junk")
    for m in (angry, forced):
        produce(kafka_bootstrap, classify.raw, m.model_dump_json().encode(), key=b"k")

    values = read_topic(kafka_bootstrap, classify.classified, lambda v: len(v) >= 2, 120)
    results = {c.mention.id: c for c in (ClassifiedMention.model_validate_json(v) for v in values)}
    assert set(results) == {angry.id, forced.id}
    assert set(results[angry.id].topics) == {"fundraising", "complaints"}
    assert results[angry.id].sentiment == "negative"
    assert "press" in results[forced.id].topics
    assert results[forced.id].scores["press"] == 1.0
    assert {c.model_version for c in results.values()} == {ensure_current().version}

    letters = [
        DeadLetter.model_validate_json(v)
        for v in read_topic(kafka_bootstrap, classify.dlq, lambda v: len(v) >= 1)
    ]
    assert [(d.stage, d.reason, d.original()) for d in letters] == [
        ("classify", "invalid_mention", b"\xff not a mention")
    ]
