"""Every classify worker follows the control topic and swaps its models while it runs.

The control topic (`<prefix>.classify.control`, compacted, keyed by role) says which
version runs live and which in shadow. It is not consumed in the service's consumer
group — every worker must see every command — but read by each worker on its own, with
no group and nothing committed: at start to its end (so a restarted worker takes on the
last promotion before it classifies anything), then followed in a thread that loads a
named version and swaps it in (`live_models.apply_command`). `webcare classify promote`
and `webcare classify shadow` write the commands.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import faust
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from pydantic import ValidationError

from schemas import ModelCommand
from services.classify.artifacts import ModelUnavailable
from services.classify.classifier import MentionClassifier
from services.classify.live_models import LiveModels, apply_command, latest_commands
from services.classify.topic_reading import TopicUnavailable, read_to_end
from services.common.kafka import bootstrap_servers, durable_producer

log = logging.getLogger(__name__)
Loader = Callable[[str], MentionClassifier]


def parse(value: bytes | None) -> ModelCommand | None:
    if value is None:
        return None
    try:
        return ModelCommand.model_validate_json(value)
    except ValidationError:
        log.warning("control command ignored: not a ModelCommand")
        return None


def carry_out(models: LiveModels, command: ModelCommand, load: Loader) -> None:
    """Applies one command; a version that cannot be loaded is logged and changes nothing."""
    try:
        pair = apply_command(models, command, load)
    except (ModelUnavailable, ValueError) as err:
        log.error(
            "model command refused",
            extra={"role": command.role, "model_version": command.version, "error": str(err)},
        )
        return
    log.info(
        "models in use",
        extra={
            "command_id": command.command_id,
            "live": pair.live.version,
            "shadow": pair.shadow.version if pair.shadow else None,
        },
    )


def catch_up(models: LiveModels, bootstrap: str, topic: str, load: Loader) -> dict[int, int]:
    """At start: the last command per role on the control topic, before any mention.
    Returns where it stopped per partition, for `follow` to go on from there."""
    ends: dict[int, int] = {}
    try:
        records = list(read_to_end(bootstrap, topic, ends_out=ends))
    except (TopicUnavailable, KafkaError) as err:
        log.warning("control topic not read at start", extra={"error": str(err)})
        return {}
    commands = [c for _, value in records if (c := parse(value)) is not None]
    for command in latest_commands(commands):
        carry_out(models, command, load)
    return ends


def follow(
    models: LiveModels,
    bootstrap: str,
    topic: str,
    load: Loader,
    start: dict[int, int],
    stop: threading.Event,
) -> None:
    """Applies every command after `start` (offset per partition) until `stop` is set."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers(bootstrap),
        enable_auto_commit=False,
        group_id=None,
    )
    try:
        found = sorted(consumer.partitions_for_topic(topic) or [])
        if not found:
            log.warning("control topic missing: models change only at restart")
            return
        partitions = [TopicPartition(topic, p) for p in found]
        consumer.assign(partitions)
        for tp in partitions:
            consumer.seek(tp, start.get(tp.partition, 0))
        while not stop.is_set():
            try:
                batches = consumer.poll(timeout_ms=500)
            except KafkaError as err:  # the broker away: the consumer reconnects by itself
                log.warning("control topic poll failed", extra={"error": str(err)})
                stop.wait(1.0)
                continue
            for records in batches.values():
                for record in records:
                    command = parse(record.value)
                    if command is not None:
                        carry_out(models, command, load)
    finally:
        consumer.close()


def wire_control(
    app: faust.App, models: LiveModels, bootstrap: str, topic: str, load: Loader
) -> None:
    """Catches up now; then follows the control topic in a thread for the worker's life."""
    start = catch_up(models, bootstrap, topic, load)
    stop = threading.Event()

    @app.task
    async def follow_model_commands() -> None:
        try:
            await asyncio.to_thread(follow, models, bootstrap, topic, load, start, stop)
        finally:
            stop.set()


def send_command(bootstrap: str, topic: str, role: str, version: str | None) -> ModelCommand:
    """Writes one command (acknowledged) to the control topic, keyed by its role."""
    command = ModelCommand(
        command_id=str(uuid.uuid4()),
        role=role,
        version=version,
        at=datetime.now(UTC),
    )
    producer = durable_producer(bootstrap, "webcare-classify-control")
    try:
        producer.send(topic, key=role.encode(), value=command.model_dump_json().encode()).get(30)
        producer.flush()
    finally:
        producer.close()
    return command
