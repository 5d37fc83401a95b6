"""Learning from people on the real broker: a re-tag becomes a correction on the compacted
corrections topic, is counted against the model's answer, and exports as training data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from schemas import (
    ClassifiedMention,
    ConversationEvent,
    ConversationEventKind,
    TopicCorrection,
)
from services.classify.corpus import read_examples
from services.common.topics import TopicNames
from tests.service.classify.conftest import Classify, raw_mention
from tests.support.kafka_reading import produce, read_topic
from tests.unit.factories import NOW

pytestmark = pytest.mark.kafka


def retag(mention_id: str, relationship_id: str, topics: list[str], n: int) -> bytes:
    event = ConversationEvent(
        event_id=f"retag-{n}",
        kind=ConversationEventKind.RETAGGED,
        relationship_id=relationship_id,
        mention_id=mention_id,
        department="communicatie",
        actor="sanne",
        topics=topics,
        at=NOW + timedelta(minutes=n),
    )
    return event.model_dump_json().encode()


def test_a_retag_becomes_a_correction_and_a_measure(
    start_classify: Callable[..., Classify],
    kafka_bootstrap: str,
    topic_prefix: str,
    tmp_path: Path,
) -> None:
    topics = TopicNames(topic_prefix)
    classify = start_classify()
    angry = raw_mention("1", "Ik ben boos: twee keer afgeschreven voor mijn donatie!")
    early = raw_mention("2", "Journalist van De Standaard: mag ik u bellen over het rapport?")
    key = angry.relationship_id.encode()
    produce(kafka_bootstrap, topics.raw, angry.model_dump_json().encode(), key=key)
    values = read_topic(kafka_bootstrap, topics.classified, lambda v: len(v) >= 1, 120)
    [first] = [ClassifiedMention.model_validate_json(v) for v in values]
    assert "fundraising" in first.topics

    # A department says: a complaint, not about fundraising. Then it changes its mind.
    produce(
        kafka_bootstrap,
        topics.conversation_events,
        retag(angry.id, "rel-1", ["complaints"], 1),
        key=key,
    )
    produce(
        kafka_bootstrap,
        topics.conversation_events,
        retag(angry.id, "rel-1", ["complaints", "press"], 2),
        key=key,
    )
    # A re-tag that arrives before its mention is classified waits for the text.
    early_key = early.relationship_id.encode()
    produce(
        kafka_bootstrap,
        topics.conversation_events,
        retag(early.id, "rel-2", ["press"], 3),
        key=early_key,
    )
    produce(kafka_bootstrap, topics.raw, early.model_dump_json().encode(), key=early_key)

    values = read_topic(kafka_bootstrap, topics.classify_corrections, lambda v: len(v) >= 3, 120)
    corrections = [TopicCorrection.model_validate_json(v) for v in values]
    latest = {c.mention_id: c for c in corrections}
    assert latest[angry.id].topics == ["complaints", "press"]
    assert latest[angry.id].text == angry.text
    assert latest[angry.id].predicted_topics == sorted(first.topics)
    assert latest[angry.id].model_version == first.model_version
    assert latest[early.id].topics == ["press"]
    assert latest[early.id].text == early.text

    # Measured against people: the model said fundraising twice where people did not.
    classify.wait_metric("webcare_classify_corrections_total", lambda v: v >= 3)
    assert (
        classify.metric(
            "webcare_classify_correction_outcomes_total", topic="fundraising", outcome="fp"
        )
        == 2
    )
    assert classify.metric("webcare_classify_correction_precision", topic="fundraising") == 0
    assert classify.metric("webcare_classify_correction_recall", topic="complaints") == 1

    exported = tmp_path / "corrections.jsonl"
    output = classify.cli("classify", "export-corrections", str(exported))
    assert "2 corrections" in output
    examples = {e.family: e for e in read_examples(exported)}
    assert examples[f"correction:{angry.id}"].topics == ("complaints", "press")
    assert examples[f"correction:{early.id}"].topics == ("press",)
    again = tmp_path / "again.jsonl"
    classify.cli("classify", "export-corrections", str(again))
    assert again.read_bytes() == exported.read_bytes()
