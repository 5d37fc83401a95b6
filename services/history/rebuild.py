"""`webcare history rebuild`: empties the projection and replays every topic from offset zero.

Run it with the history service stopped. It reads each input topic up to the
end offsets it finds at the start, applies every message with the same
idempotent projection the service uses, and leaves API keys and the audit
trail alone. Erasures come back from their `erased` events, so an erased
person stays erased. Messages that do not fit their contract are counted and
skipped (the service dead-lettered them the first time).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from kafka import KafkaConsumer, TopicPartition
from pydantic import ValidationError
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from schemas import ClassifiedMention, ConversationEvent, DeliveryReceipt, Mention, RoutingDecision
from services.common.kafka import bootstrap_servers
from services.common.topics import TopicNames
from services.history.database import PROJECTION_TABLES, session_factories
from services.history.migrate import migrate
from services.history.projection import CLAIM_TTL, Message, ProjectionFailed, project

log = logging.getLogger(__name__)


def inputs(topics: TopicNames) -> dict[str, type[Message]]:
    # Conversation events first: erasures and claims are known before the data they concern.
    return {
        topics.conversation_events: ConversationEvent,
        topics.raw: Mention,
        topics.classified: ClassifiedMention,
        topics.routed: RoutingDecision,
        topics.notifications_sent: DeliveryReceipt,
    }


@dataclass
class RebuildReport:
    applied: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)


def clear_projection(session_factory: Callable[[], Session]) -> None:
    with session_factory() as session, session.begin():
        for table in PROJECTION_TABLES:
            session.execute(delete(table))


def rebuild(
    engine: Engine,
    bootstrap: str,
    topics: TopicNames,
    claim_ttl: timedelta = CLAIM_TTL,
    poll_timeout_ms: int = 1000,
) -> RebuildReport:
    migrate(engine)
    _readers, writers = session_factories(engine)
    clear_projection(writers)
    report = RebuildReport()
    for topic, model in inputs(topics).items():
        _replay_topic(bootstrap, topic, model, writers, claim_ttl, report, poll_timeout_ms)
    return report


def _replay_topic(
    bootstrap: str,
    topic: str,
    model: type[Message],
    writers: Callable[[], Session],
    claim_ttl: timedelta,
    report: RebuildReport,
    poll_timeout_ms: int,
) -> None:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers(bootstrap),
        enable_auto_commit=False,
        group_id=None,
        client_id="webcare-history-rebuild",
    )
    try:
        partitions = [
            TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])
        ]
        if not partitions:
            log.warning("topic missing, skipped", extra={"topic": topic})
            return
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if ends[tp] > consumer.position(tp)}
        while remaining:
            batch = consumer.poll(timeout_ms=poll_timeout_ms, max_records=500)
            for tp, records in batch.items():
                for record in records:
                    if record.offset >= ends[tp]:
                        continue
                    _apply(record.value, model, writers, claim_ttl, report)
            remaining = {tp for tp in remaining if consumer.position(tp) < ends[tp]}
    finally:
        consumer.close()


def _apply(
    value: bytes | None,
    model: type[Message],
    writers: Callable[[], Session],
    claim_ttl: timedelta,
    report: RebuildReport,
) -> None:
    try:
        message = model.model_validate_json(value or b"")
    except ValidationError:
        report.skipped[f"invalid_{model.__name__}"] += 1
        return
    try:
        project(writers, message, None, claim_ttl)
    except ProjectionFailed:
        report.skipped["projection_failed"] += 1
        return
    report.applied[model.__name__] += 1
