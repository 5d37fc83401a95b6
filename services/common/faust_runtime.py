"""The Faust wiring every stream processor shares: app, raw topics, dead letters, worker.

Topics carry raw bytes: each stage validates them with the pydantic contracts
itself, because Faust records don't validate, and because a message that
fails must reach the dead-letter topic with its original bytes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

import faust
from faust.types import EventT, TopicT
from pydantic import BaseModel, ValidationError

from schemas import DeadLetter
from services.common.lag import watch_consumer_lag
from services.common.logs import CURRENT_MENTION, correlation_id, logging_config
from services.common.metrics import DEAD_LETTERS
from services.common.settings import CommonSettings
from services.common.topics import TopicNames
from services.common.validation import describe

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


class Rejected(Exception):
    """A message a stage refuses for good: it goes to the dead-letter topic, the stream goes on."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def invalid_reason(model: type[BaseModel]) -> str:
    """`invalid_<model>` in snake case, e.g. `invalid_routing_decision`, for the DLQ reason."""
    return "invalid_" + re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


def decode(model: type[M], value: bytes, reason: str | None = None) -> M:
    """Validates a message with its contract; what doesn't fit is Rejected, field by field."""
    try:
        return model.model_validate_json(value)
    except ValidationError as err:
        raise Rejected(reason or invalid_reason(model), "; ".join(describe(err))) from err


def make_app(service: str, settings: CommonSettings) -> faust.App:
    datadir = settings.state_dir / "faust" / settings.topic_prefix / service
    datadir.parent.mkdir(parents=True, exist_ok=True)  # Faust creates only the last level
    app = faust.App(
        f"{settings.topic_prefix}-{service}",
        broker=[f"kafka://{server}" for server in settings.kafka_bootstrap.split(",")],
        web_enabled=False,
        store="memory://",
        datadir=str(datadir),
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication,
        producer_acks=-1,
        consumer_auto_offset_reset="earliest",
        broker_commit_every=100,
        broker_commit_interval=1.0,
    )
    watch_consumer_lag(app, settings.kafka_bootstrap, settings.lag_interval_s)
    return app


def raw_topic(app: faust.App, name: str) -> TopicT:
    return app.topic(
        name,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
    )


class DeadLetters:
    """Writes what a stage rejects to the dead-letter topic, with stage, reason and bytes."""

    def __init__(self, app: faust.App, topics: TopicNames, stage: str) -> None:
        self.topic = raw_topic(app, topics.dlq)
        self.stage = stage

    async def reject(self, event: EventT, reason: str, detail: str = "") -> None:
        message = event.message
        original = message.value if isinstance(message.value, bytes) else b""
        key = message.key if isinstance(message.key, bytes) else None
        letter = DeadLetter.of(
            stage=self.stage,
            reason=reason,
            detail=detail,
            original=original,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            key=key,
            at=datetime.now(UTC),
        )
        DEAD_LETTERS.labels(stage=self.stage, reason=reason).inc()
        log.warning(
            "dead-lettered",
            extra={"stage": self.stage, "reason": reason, "offset": message.offset},
        )
        await (await self.topic.send(key=key, value=letter.model_dump_json().encode()))


async def handle_each(
    stream: faust.StreamT,
    handler: Callable[[bytes, bytes | None], Awaitable[None]],
    dead_letters: DeadLetters,
) -> None:
    """Runs `handler` on every message; a rejection or a bug dead-letters it, never stops the loop.

    Faust acks a message when the agent raises, which would drop it silently;
    catching per event keeps the stream going and the message on record.
    """
    async for event in stream.events():
        value = event.message.value
        key = event.message.key
        if not isinstance(value, bytes):
            await dead_letters.reject(event, "not_bytes")
            continue
        bound = CURRENT_MENTION.set(correlation_id(value))  # every log line names the mention
        try:
            await handler(value, key if isinstance(key, bytes) else None)
        except Rejected as rejection:
            await dead_letters.reject(event, rejection.reason, rejection.detail)
        except Exception as err:  # a bug must not stop the stream: keep the message, say why
            log.exception("handler failed", extra={"stage": dead_letters.stage})
            await dead_letters.reject(event, "handler_error", f"{type(err).__name__}: {err}")
        CURRENT_MENTION.reset(bound)


def run_worker(app: faust.App, service: str, level: str) -> None:
    """Runs the Faust worker in this process until SIGTERM/SIGINT, then shuts down cleanly."""
    worker = faust.Worker(
        app,
        loglevel=level,
        logging_config=logging_config(service, level),
        quiet=True,
        redirect_stdouts=False,
    )
    worker.execute_from_commandline()
