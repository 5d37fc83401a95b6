"""`webcare dlq replay`: re-drives dead letters of a stage back onto the topic they came from.

A notify dead letter carries the routing decision exactly as received, so
re-driving it makes the notifier handle the decision again. That is safe to
do any number of times: every (mention, department, target) already
delivered is `done` in the notifier's idempotency table and is skipped; only
what failed is attempted again. The command reads the dead-letter topic as
consumer group `<prefix>-dlq-replay-<stage>` and commits after the re-driven
messages are acknowledged, so a second run only re-drives newer letters.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Annotated

import typer
from kafka import KafkaConsumer, TopicPartition
from pydantic import ValidationError

from schemas import DeadLetter
from services.common.kafka import bootstrap_servers, durable_producer
from services.common.settings import CommonSettings
from services.common.topics import TopicNames

# Reasons whose input is fine and may well go through now; the others would fail again.
REDRIVABLE = {"notify": ("delivery_failed", "circuit_open", "handler_error")}

dlq_app = typer.Typer(no_args_is_help=True, help="Dead letters (webcare.dlq).")


def select(
    letters: Iterable[DeadLetter], stage: str, reasons: Iterable[str], topics: set[str]
) -> list[DeadLetter]:
    """Letters of `stage` with one of `reasons` from one of `topics`, one per original message.

    One decision can fail for several targets; re-driving it once retries them all.
    """
    wanted = set(reasons)
    seen: set[tuple[str, str]] = set()
    chosen = []
    for letter in letters:
        if letter.stage != stage or letter.reason not in wanted or letter.topic not in topics:
            continue
        identity = (letter.topic, letter.original_b64)
        if identity not in seen:
            seen.add(identity)
            chosen.append(letter)
    return chosen


def _read_new_letters(
    settings: CommonSettings, topic: str, group: str
) -> tuple[list[DeadLetter], KafkaConsumer]:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers(settings.kafka_bootstrap),
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        consumer_timeout_ms=1000,
    )
    partitions = consumer.partitions_for_topic(topic) or set()
    tps = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(tps)
    ends = consumer.end_offsets(tps)
    letters: list[DeadLetter] = []
    for _ in range(10_000):  # bounded: each round reads what arrived, the end is fixed above
        if all(consumer.position(tp) >= ends[tp] for tp in tps):
            break
        for record in consumer:
            try:
                letters.append(DeadLetter.model_validate_json(record.value))
            except ValidationError:
                typer.echo(
                    f"skipping an unreadable dead letter at offset {record.offset}", err=True
                )
    return letters, consumer


@dlq_app.command("replay")
def replay(
    stage: Annotated[str, typer.Option(help="Stage whose dead letters to re-drive.")] = "notify",
    reason: Annotated[
        list[str] | None,
        typer.Option(help="Only these reasons (repeatable); default: the re-drivable ones."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option(help="Show what would be re-driven, change nothing.")
    ] = False,
) -> None:
    """Re-drives dead letters of a stage onto the topic they came from (default: notify)."""
    settings = CommonSettings()
    topics = TopicNames(settings.topic_prefix)
    reasons = reason or list(REDRIVABLE.get(stage, ()))
    if not reasons:
        raise typer.BadParameter(f"no re-drivable reasons known for stage {stage!r}; pass --reason")
    group = f"{settings.topic_prefix}-dlq-replay-{stage}"
    letters, consumer = _read_new_letters(settings, topics.dlq, group)
    # only the stage's main input: re-driving e.g. conversation events would reach every reader
    sources = {"notify": {topics.routed}}.get(stage, {letter.topic or "" for letter in letters})
    chosen = select(letters, stage, reasons, sources)
    try:
        if dry_run:
            for letter in chosen:
                typer.echo(
                    f"would re-drive {letter.reason} from {letter.topic}: {letter.detail[:200]}"
                )
            typer.echo(f"{len(chosen)} of {len(letters)} dead letters would be re-driven")
            return
        producer = durable_producer(settings.kafka_bootstrap, "webcare-dlq-replay")
        try:
            for letter in chosen:
                key = base64.b64decode(letter.key_b64) if letter.key_b64 else None
                producer.send(letter.topic, key=key, value=letter.original())
            producer.flush(timeout=60)
        finally:
            producer.close()
        consumer.commit()
        typer.echo(f"re-drove {len(chosen)} of {len(letters)} dead letters (stage {stage})")
    finally:
        consumer.close()
