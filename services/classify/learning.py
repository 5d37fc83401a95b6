"""Faust wiring of learning from people: classified mentions and conversation events in,
corrections (labelled examples) out, and the model measured against them.

Both input topics are keyed by relationship, so one worker sees a relationship's
classifications and re-tags together; its memory (`corrections.RelationshipMemory`) is
the changelog-backed table `seen_mentions`. Corrections go to the compacted topic
`<prefix>.classify.corrections`, keyed by mention id; `webcare classify
export-corrections` reads it for `webcare train`.
"""

from __future__ import annotations

import faust
from faust.types import TopicT
from prometheus_client import Counter, Gauge

from schemas import ClassifiedMention, ConversationEvent, ConversationEventKind
from services.classify.corrections import (
    CorrectionScore,
    Outcome,
    RelationshipMemory,
    apply_event,
    remember_classified,
)
from services.common.faust_runtime import DeadLetters, decode, handle_each, raw_topic
from services.common.topics import TopicNames

CORRECTIONS = Counter(
    "webcare_classify_corrections_total", "Re-tags kept as labelled examples (replays included)."
)
CORRECTION_OUTCOMES = Counter(
    "webcare_classify_correction_outcomes_total",
    "Per topic, the live model's answer against a person's correction: tp, fp or fn.",
    ["topic", "outcome"],
)
CORRECTION_PRECISION = Gauge(
    "webcare_classify_correction_precision",
    "Per topic, share of the model's topics that people kept (this process's corrections).",
    ["topic"],
)
CORRECTION_RECALL = Gauge(
    "webcare_classify_correction_recall",
    "Per topic, share of people's topics the model had found (this process's corrections).",
    ["topic"],
)


def wire_learning(app: faust.App, topics: TopicNames, partitions: int) -> None:
    """Adds the two agents and the table that turn re-tags into corrections."""
    memory = app.Table("seen_mentions", default=None, partitions=partitions, key_type=str)
    classified = raw_topic(app, topics.classified)
    events = raw_topic(app, topics.conversation_events)
    out: TopicT = raw_topic(app, topics.classify_corrections)
    dead_letters = DeadLetters(app, topics, "classify")
    score = CorrectionScore()

    async def publish(outcome: Outcome) -> None:
        for item in outcome.corrections:
            await (
                await out.send(key=item.mention_id.encode(), value=item.model_dump_json().encode())
            )
            CORRECTIONS.inc()
            for topic, result in score.add(item.predicted_topics, item.topics).items():
                CORRECTION_OUTCOMES.labels(topic=topic, outcome=result).inc()
                for gauge, value in (
                    (CORRECTION_PRECISION, score.precision(topic)),
                    (CORRECTION_RECALL, score.recall(topic)),
                ):
                    if value is not None:
                        gauge.labels(topic=topic).set(value)
        for mention_id in outcome.tombstones:
            await (await out.send(key=mention_id.encode(), value=None))

    async def on_classified(value: bytes, key: bytes | None) -> None:
        item = decode(ClassifiedMention, value)
        relationship = item.mention.relationship_id
        state = RelationshipMemory.from_json(memory.get(relationship))
        outcome = remember_classified(state, item)
        memory[relationship] = state.to_json()
        await publish(outcome)

    async def on_event(value: bytes, key: bytes | None) -> None:
        event = decode(ConversationEvent, value)
        state = RelationshipMemory.from_json(memory.get(event.relationship_id))
        outcome = apply_event(state, event)
        if event.kind in (ConversationEventKind.RETAGGED, ConversationEventKind.ERASED):
            if state.seen or state.waiting or state.corrected:
                memory[event.relationship_id] = state.to_json()
            elif event.relationship_id in memory:
                del memory[event.relationship_id]
        await publish(outcome)

    @app.agent(classified, name="remember_classified")
    async def remember(stream: faust.StreamT) -> None:
        await handle_each(stream, on_classified, dead_letters)

    @app.agent(events, name="learn_from_corrections")
    async def learn(stream: faust.StreamT) -> None:
        await handle_each(stream, on_event, dead_letters)
