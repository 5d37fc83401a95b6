"""Re-tags become labelled examples; the model is scored against them; erasure forgets."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from schemas import ConversationEvent, ConversationEventKind, Sentiment, TopicCorrection
from services.classify.corpus import parse_example
from services.classify.corrections import (
    MAX_SEEN_PER_RELATIONSHIP,
    CorrectionScore,
    RelationshipMemory,
    apply_event,
    example_line,
    latest_by_mention,
    remember_classified,
)
from tests.unit.factories import NOW, classified, mention


def retag(topics: list[str], event_id: str = "e1", minutes: int = 1, mention_id: str = "x:1"):
    return ConversationEvent(
        event_id=event_id,
        kind=ConversationEventKind.RETAGGED,
        relationship_id="rel-1",
        mention_id=mention_id,
        department="service",
        actor="sanne",
        topics=topics,
        at=NOW + timedelta(minutes=minutes),
    )


def roundtrip(memory: RelationshipMemory) -> RelationshipMemory:
    """The table stores JSON: every step goes through it, as in the service."""
    return RelationshipMemory.from_json(json.loads(json.dumps(memory.to_json())))


def test_retag_after_classification_is_a_correction() -> None:
    memory = RelationshipMemory()
    seen = classified(["fundraising"], Sentiment.NEGATIVE, text="Twee keer afgeschreven!")
    assert remember_classified(memory, seen).corrections == []
    memory = roundtrip(memory)
    outcome = apply_event(memory, retag(["complaints", "fundraising"]))
    [item] = outcome.corrections
    assert item.mention_id == "x:1"
    assert item.text == "Twee keer afgeschreven!"
    assert item.topics == ["complaints", "fundraising"]
    assert item.predicted_topics == ["fundraising"]
    assert item.sentiment is Sentiment.NEGATIVE
    assert item.model_version == "test"
    assert item.department == "service"


def test_retag_before_classification_waits_for_the_text() -> None:
    memory = RelationshipMemory()
    assert apply_event(memory, retag(["press"], "e2", minutes=2)).corrections == []
    assert apply_event(memory, retag(["programs"], "e1", minutes=1)).corrections == []
    memory = roundtrip(memory)
    [item] = remember_classified(
        memory, classified(["programs"], text="Een journalist")
    ).corrections
    assert item.topics == ["press"]  # the later re-tag wins, whatever order they came in
    assert item.event_id == "e2"
    assert memory.waiting == {}


def test_other_events_and_unknown_mentions_change_nothing() -> None:
    memory = RelationshipMemory()
    remember_classified(memory, classified(["press"]))
    claim = retag(["press"]).model_copy(update={"kind": ConversationEventKind.CLAIMED})
    assert apply_event(memory, claim).corrections == []
    assert apply_event(memory, retag(["press"], mention_id="x:2")).corrections == []
    assert set(memory.waiting) == {"x:2"}


def test_erasure_and_delete_withdraw_corrections() -> None:
    memory = RelationshipMemory()
    remember_classified(memory, classified(["press"]))
    apply_event(memory, retag(["programs"]))
    erase = retag([]).model_copy(update={"kind": ConversationEventKind.ERASED, "topics": None})
    outcome = apply_event(memory, erase)
    assert outcome.tombstones == ["x:1"]
    assert memory.seen == {}
    assert memory.corrected == []

    remember_classified(memory, classified(["press"]))
    apply_event(memory, retag(["programs"]))
    deleted = classified([]).model_copy(
        update={"mention": mention("").model_copy(update={"kind": "delete"})}
    )
    assert remember_classified(memory, deleted).tombstones == ["x:1"]
    assert "x:1" not in memory.seen


def test_memory_per_relationship_is_bounded() -> None:
    memory = RelationshipMemory()
    for i in range(MAX_SEEN_PER_RELATIONSHIP + 5):
        item = classified(["press"]).model_copy(update={"mention": mention("t", str(i))})
        remember_classified(memory, item)
    assert len(memory.seen) == MAX_SEEN_PER_RELATIONSHIP
    assert "x:0" not in memory.seen
    assert f"x:{MAX_SEEN_PER_RELATIONSHIP + 4}" in memory.seen


def correction(mention_id: str, topics: list[str]) -> TopicCorrection:
    return TopicCorrection(
        mention_id=mention_id,
        relationship_id="rel-1",
        text=f"text of {mention_id}",
        topics=topics,
        sentiment=Sentiment.NEUTRAL,
        predicted_topics=[],
        model_version="v",
        event_id="e",
        corrected_at=NOW,
    )


def test_export_keeps_the_latest_per_mention_sorted_and_reads_as_training_data(
    tmp_path: Path,
) -> None:
    records = [
        (b"x:2", correction("x:2", ["press"]).model_dump_json().encode()),
        (b"x:1", correction("x:1", ["press"]).model_dump_json().encode()),
        (b"x:2", correction("x:2", ["programs"]).model_dump_json().encode()),
        (b"x:3", correction("x:3", ["press"]).model_dump_json().encode()),
        (b"x:3", None),
    ]
    items = latest_by_mention(records)
    assert [(i.mention_id, i.topics) for i in items] == [("x:1", ["press"]), ("x:2", ["programs"])]
    lines = [example_line(i) for i in items]
    assert lines == [example_line(i) for i in latest_by_mention(records)]  # reproducible
    examples = [parse_example(line, "test") for line in lines]
    assert examples[1].topics == ("programs",)
    assert examples[1].family == "correction:x:2"


def test_precision_and_recall_per_topic() -> None:
    score = CorrectionScore()
    assert score.add(["press", "programs"], ["press"]) == {"press": "tp", "programs": "fp"}
    assert score.add([], ["press"]) == {"press": "fn"}
    score.add(["programs"], ["programs"])
    assert score.precision("press") == 1.0
    assert score.recall("press") == 0.5
    assert score.precision("programs") == 0.5
    assert score.recall("programs") == 1.0
    assert score.precision("vacancies") is None
