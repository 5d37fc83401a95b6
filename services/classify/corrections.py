"""Learning from people: a re-tag becomes a labelled example, and a measure of the model.

A department's `retagged` ConversationEvent says which topics a mention really has. The
text is not on the event, so classify remembers, per relationship, what it classified
(`SeenMention`, from the classified topic, which is keyed by relationship like the
events); a re-tag that arrives before its classification waits in the same entry. The
result is a `TopicCorrection` for the compacted corrections topic, keyed by mention id.
Everything here is pure: the Faust shell (`learning.py`) keeps the state in a table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from schemas import (
    ClassifiedMention,
    ConversationEvent,
    ConversationEventKind,
    Sentiment,
    TopicCorrection,
)

# A relationship keeps the texts of its most recent mentions only: enough for a re-tag of
# anything still being worked on, and a bound on the state of a very talkative person
# (the entry is one changelog record: at most 50 x 5,000 characters stays far below
# Kafka's message size limit).
MAX_SEEN_PER_RELATIONSHIP = 50
MAX_TEXT_CHARS = 5_000


@dataclass(frozen=True)
class SeenMention:
    """What classify said about a mention: enough to turn a re-tag into an example."""

    text: str
    lang: str | None
    topics: list[str]
    sentiment: Sentiment
    model_version: str


@dataclass
class RelationshipMemory:
    """One relationship's entry in the table: seen mentions, waiting re-tags, corrected ids."""

    seen: dict[str, SeenMention] = field(default_factory=dict)
    waiting: dict[str, dict[str, Any]] = field(default_factory=dict)
    corrected: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "seen": {
                mention_id: {
                    "text": s.text,
                    "lang": s.lang,
                    "topics": s.topics,
                    "sentiment": s.sentiment.value,
                    "model_version": s.model_version,
                }
                for mention_id, s in self.seen.items()
            },
            "waiting": self.waiting,
            "corrected": self.corrected,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> RelationshipMemory:
        if not data:
            return cls()
        seen = {
            mention_id: SeenMention(
                text=s["text"],
                lang=s["lang"],
                topics=list(s["topics"]),
                sentiment=Sentiment(s["sentiment"]),
                model_version=s["model_version"],
            )
            for mention_id, s in data.get("seen", {}).items()
        }
        return cls(seen, dict(data.get("waiting", {})), list(data.get("corrected", [])))


@dataclass(frozen=True)
class Outcome:
    """What a message did to a relationship's memory: corrections to write, ids to erase."""

    corrections: list[TopicCorrection] = field(default_factory=list)
    tombstones: list[str] = field(default_factory=list)


def correction(
    mention_id: str, relationship_id: str, seen: SeenMention, event: dict[str, Any]
) -> TopicCorrection:
    return TopicCorrection(
        mention_id=mention_id,
        relationship_id=relationship_id,
        text=seen.text,
        lang=seen.lang,
        topics=sorted(set(event["topics"])),
        sentiment=seen.sentiment,
        predicted_topics=sorted(seen.topics),
        model_version=seen.model_version,
        event_id=event["event_id"],
        department=event.get("department"),
        corrected_at=event["at"],
    )


def _later(new: dict[str, Any], old: dict[str, Any] | None) -> bool:
    return old is None or (new["at"], new["event_id"]) >= (old["at"], old["event_id"])


def remember_classified(memory: RelationshipMemory, classified: ClassifiedMention) -> Outcome:
    """Keeps the text of a classified mention; releases a re-tag that was waiting for it.

    A delete (empty text) forgets the mention and withdraws its correction.
    """
    mention = classified.mention
    if mention.kind == "delete":
        memory.seen.pop(mention.id, None)
        memory.waiting.pop(mention.id, None)
        if mention.id in memory.corrected:
            memory.corrected.remove(mention.id)
            return Outcome(tombstones=[mention.id])
        return Outcome()
    seen = SeenMention(
        text=mention.text[:MAX_TEXT_CHARS],
        lang=mention.lang,
        topics=list(classified.topics),
        sentiment=classified.sentiment,
        model_version=classified.model_version,
    )
    memory.seen.pop(mention.id, None)
    memory.seen[mention.id] = seen  # newest last, so the bound drops the oldest
    while len(memory.seen) > MAX_SEEN_PER_RELATIONSHIP:
        memory.seen.pop(next(iter(memory.seen)))
    waiting = memory.waiting.pop(mention.id, None)
    if waiting is None:
        return Outcome()
    return _corrected(memory, mention.id, mention.relationship_id, seen, waiting)


def _corrected(
    memory: RelationshipMemory,
    mention_id: str,
    relationship_id: str,
    seen: SeenMention,
    event: dict[str, Any],
) -> Outcome:
    if mention_id not in memory.corrected:
        memory.corrected.append(mention_id)
    return Outcome(corrections=[correction(mention_id, relationship_id, seen, event)])


def apply_event(memory: RelationshipMemory, event: ConversationEvent) -> Outcome:
    """A re-tag becomes a correction (or waits for its text); an erasure forgets everything."""
    if event.kind is ConversationEventKind.ERASED:
        tombstones = sorted(memory.corrected)
        memory.seen.clear()
        memory.waiting.clear()
        memory.corrected.clear()
        return Outcome(tombstones=tombstones)
    if event.kind is not ConversationEventKind.RETAGGED or event.mention_id is None:
        return Outcome()
    if event.topics is None:
        return Outcome()
    facts = {
        "event_id": event.event_id,
        "topics": list(event.topics),
        "department": event.department,
        "at": event.at.isoformat(),
    }
    seen = memory.seen.get(event.mention_id)
    if seen is None:
        if _later(facts, memory.waiting.get(event.mention_id)):
            memory.waiting[event.mention_id] = facts
        return Outcome()
    return _corrected(memory, event.mention_id, event.relationship_id, seen, facts)


def example_line(item: TopicCorrection) -> str:
    """One line of a training file: what `corpus.read_examples` reads, family per mention."""
    return json.dumps(
        {
            "id": item.mention_id,
            "family": f"correction:{item.mention_id}",
            "text": item.text,
            "lang": item.lang,
            "topics": item.topics,
            "sentiment": item.sentiment.value,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def latest_by_mention(
    records: Iterable[tuple[bytes | None, bytes | None]],
) -> list[TopicCorrection]:
    """Folds a compacted topic's records (key, value) in order: last value wins, None erases.

    Sorted by mention id, so the same corrections always make the same file and version.
    """
    latest: dict[str, TopicCorrection] = {}
    for key, value in records:
        if key is None:
            continue
        mention_id = key.decode()
        if value is None:
            latest.pop(mention_id, None)
        else:
            latest[mention_id] = TopicCorrection.model_validate_json(value)
    return [latest[k] for k in sorted(latest)]


@dataclass
class CorrectionScore:
    """Per topic, how the model's topics compare with people's: true/false positives,
    false negatives; precision and recall follow. One instance per process."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, predicted: Sequence[str], corrected: Sequence[str]) -> dict[str, str]:
        """Counts one correction; returns the outcome per topic it touched (tp, fp, fn)."""
        outcomes: dict[str, str] = {}
        for topic in sorted(set(predicted) | set(corrected)):
            outcome = (
                "tp"
                if topic in predicted and topic in corrected
                else "fp"
                if topic in predicted
                else "fn"
            )
            slot = self.counts.setdefault(topic, {"tp": 0, "fp": 0, "fn": 0})
            slot[outcome] += 1
            outcomes[topic] = outcome
        return outcomes

    def precision(self, topic: str) -> float | None:
        c = self.counts.get(topic)
        if not c or c["tp"] + c["fp"] == 0:
            return None
        return c["tp"] / (c["tp"] + c["fp"])

    def recall(self, topic: str) -> float | None:
        c = self.counts.get(topic)
        if not c or c["tp"] + c["fn"] == 0:
            return None
        return c["tp"] / (c["tp"] + c["fn"])
