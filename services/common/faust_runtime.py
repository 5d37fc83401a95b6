"""The Faust wiring every stream processor shares: app, raw topics, dead letters, worker.

Topics carry raw bytes: each stage validates them with the pydantic contracts
itself, because Faust records don't validate, and because a message that
fails must reach the dead-letter topic with its original bytes.

A failure is judged once, here: poison (the message can never succeed: it fails
validation, or a bug chokes on it) goes to the dead-letter topic and the stream
goes on; an outage (a dependency is away: the database, the broker refusing a
produce, an audit read) makes the stage wait with back-off and try the same
events again, committing nothing past them, until the dependency is back.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import random
import re
import time
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator, Sequence
from contextlib import aclosing, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

import faust
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from aiokafka.errors import KafkaError as AioKafkaError
from faust.streams import _current_event
from faust.types import EventT, TopicT
from pydantic import BaseModel, ValidationError

from schemas import DeadLetter
from services.common.faust_consumer import FetchSettings, RereadingTransport
from services.common.lag import watch_consumer_lag
from services.common.logs import CURRENT_MENTION, correlation_id, logging_config
from services.common.metrics import (
    DEAD_LETTERS,
    HEARTBEAT,
    OUTAGE_RETRIES,
    STAGE_SECONDS,
    STAGE_WAITING,
)
from services.common.settings import CommonSettings
from services.common.topics import TopicNames
from services.common.validation import describe

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class Rejected(Exception):
    """A message a stage refuses for good: it goes to the dead-letter topic, the stream goes on."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class Outage(Exception):
    """A dependency of the stage is away (the database, the broker, an audit read): not the
    message's fault. The stage waits and tries the same events again; nothing is
    dead-lettered and nothing past them is committed."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def outage_reason(error: BaseException) -> str | None:
    """Why `error` is an outage (the reason label of the retry counter), or None: poison.

    Kafka's own word decides for the broker: a timeout, a lost connection, or an error
    it marks retriable (no leader, not enough replicas, ...) is an outage; a record too
    large or a topic we may not write is not, and retrying would never end.
    """
    if isinstance(error, Outage):
        return error.reason
    if isinstance(error, KafkaTimeoutError | KafkaConnectionError):
        return "kafka_unavailable"
    if isinstance(error, AioKafkaError) and getattr(error, "retriable", False):
        return "kafka_unavailable"
    return None


@dataclass(frozen=True)
class OutageBackoff:
    """Waits between tries of events that met an outage: capped exponential, with jitter."""

    base_s: float = 0.5
    cap_s: float = 15.0

    def delay(self, tries: int, rand: Callable[[], float] = random.random) -> float:
        """The wait before try `tries + 1`: between half and all of min(cap, base * 2**tries),
        so waits grow, never exceed the cap, and replicas do not retry in step."""
        ceiling = min(self.cap_s, self.base_s * 2 ** min(tries, 32))
        return ceiling / 2 + rand() * ceiling / 2


_waiting: collections.Counter[str] = collections.Counter()  # per stage, the loops waiting


def waiting_for_outage() -> bool:
    """True while any stage of this process waits for an outage to end (the stall watch
    then holds off: a stage that waits commits nothing on purpose)."""
    return any(n > 0 for n in _waiting.values())


async def outlast(attempt: Callable[[], Awaitable[T]], stage: str, backoff: OutageBackoff) -> T:
    """Runs `attempt` until it ends without an outage, with `backoff` between tries, and
    returns its result; anything that is not an outage is raised at once.

    Unbounded in time on purpose: an outage ends when the dependency is back, and the
    events wait for it uncommitted (a crash meanwhile replays them). Every retry is
    counted in `webcare_stage_outage_retries_total`, and `webcare_stage_waiting` is 1
    while any of the stage's loops waits; the log says when waiting starts and ends.
    """
    tries = 0
    started = time.monotonic()
    try:
        while True:
            try:
                return await attempt()
            except Exception as err:
                reason = outage_reason(err)
                if reason is None:
                    raise
                if tries == 0:
                    _waiting[stage] += 1
                    STAGE_WAITING.labels(stage=stage).set(1)
                    log.warning(
                        "outage: waiting, nothing committed past it",
                        extra={"stage": stage, "reason": reason, "error": str(err)},
                    )
                OUTAGE_RETRIES.labels(stage=stage, reason=reason).inc()
                tries += 1  # before the sleep: a cancelled wait still ends in `finally`
                await asyncio.sleep(backoff.delay(tries - 1))
    finally:
        if tries:
            _waiting[stage] -= 1
            if _waiting[stage] <= 0:
                STAGE_WAITING.labels(stage=stage).set(0)
            log.info(
                "outage wait ended",
                extra={
                    "stage": stage,
                    "tries": tries,
                    "waited_s": round(time.monotonic() - started, 1),
                },
            )


def invalid_reason(model: type[BaseModel]) -> str:
    """`invalid_<model>` in snake case, e.g. `invalid_routing_decision`, for the DLQ reason."""
    return "invalid_" + re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


def decode(model: type[M], value: bytes, reason: str | None = None) -> M:
    """Validates a message with its contract; what doesn't fit is Rejected, field by field."""
    try:
        return model.model_validate_json(value)
    except ValidationError as err:
        raise Rejected(reason or invalid_reason(model), "; ".join(describe(err))) from err


class App(faust.App):
    """A Faust app whose consumer reads skipped offsets again and waits at most
    `fetch_settings.max_wait_ms` for a fetch (see faust_consumer.py)."""

    fetch_settings = FetchSettings()
    outage_backoff = OutageBackoff()

    def _new_transport(self) -> RereadingTransport:
        return RereadingTransport(self.conf.broker_consumer, self)


def make_app(service: str, settings: CommonSettings) -> faust.App:
    datadir = settings.state_dir / "faust" / settings.topic_prefix / service
    datadir.parent.mkdir(parents=True, exist_ok=True)  # Faust creates only the last level
    app = App(
        f"{settings.topic_prefix}-{service}",
        broker=[f"kafka://{server}" for server in settings.kafka_bootstrap.split(",")],
        web_enabled=False,
        store="memory://",
        datadir=str(datadir),
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication,
        producer_acks=-1,
        producer_linger=settings.producer_linger_s,
        consumer_auto_offset_reset="earliest",
        broker_commit_every=100,
        broker_commit_interval=1.0,
    )
    app.fetch_settings = FetchSettings(settings.fetch_min_bytes, settings.fetch_max_wait_ms)
    app.outage_backoff = OutageBackoff(settings.outage_backoff_s, settings.outage_backoff_max_s)
    watch_consumer_lag(
        app,
        settings.kafka_bootstrap,
        settings.lag_interval_s,
        settings.stall_timeout_s,
        waiting=waiting_for_outage,
        exits_file=settings.state_dir / "stall-exits" / f"{app.conf.id}.log",
    )

    async def heartbeat() -> None:  # /health judges the loop by it (services/common/metrics.py)
        HEARTBEAT.start()

    app.task(heartbeat)
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
    """Writes what a stage rejects to the dead-letter topic, with stage, reason and bytes; and
    holds how the stage waits out an outage (`outlast`), which is never dead-lettered."""

    def __init__(self, app: faust.App, topics: TopicNames, stage: str) -> None:
        self.topic = raw_topic(app, topics.dlq)
        self.stage = stage
        self.backoff: OutageBackoff = getattr(app, "outage_backoff", OutageBackoff())
        STAGE_WAITING.labels(stage=stage).set(0)  # the series exists before any outage

    async def outlast(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """`attempt`, tried again after every outage until it ends without one."""
        return await outlast(attempt, self.stage, self.backoff)

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
    """Runs `handler` on every message; a rejection or a bug dead-letters it, never stops the
    loop; an outage makes it wait and run the handler on the same message again.

    Faust acks a message when the agent raises, which would drop it silently;
    catching per event keeps the stream going and the message on record.
    """
    outlast = dead_letters.outlast
    async for event in stream.events():
        value = event.message.value
        key = event.message.key
        if not isinstance(value, bytes):
            await outlast(partial(dead_letters.reject, event, "not_bytes"))
            continue
        bound = CURRENT_MENTION.set(correlation_id(value))  # every log line names the mention
        try:
            await outlast(partial(handler, value, key if isinstance(key, bytes) else None))
        except Rejected as rejection:
            await outlast(partial(dead_letters.reject, event, rejection.reason, rejection.detail))
        except Exception as err:  # a bug must not stop the stream: keep the message, say why
            log.exception("handler failed", extra={"stage": dead_letters.stage})
            detail = f"{type(err).__name__}: {err}"
            await outlast(partial(dead_letters.reject, event, "handler_error", detail))
        CURRENT_MENTION.reset(bound)


Pending = Sequence[Awaitable[Any]]
"""The acknowledgements of what one event produced: futures from `topic.send`, not yet awaited."""

BatchHandler = Callable[[Sequence[EventT]], Awaitable[Sequence["Pending | BaseException"]]]
"""Processes a batch of events; per event, its pending sends or the error that rejects it."""


def each(handler: Callable[[bytes, bytes | None], Awaitable[Pending]]) -> BatchHandler:
    """A batch handler that runs a per-event `handler` on each event of the batch, in order.

    `handler` sends its outputs without awaiting their acks and returns them.
    Faust tables write their changelog to the partition of the *current* event,
    so it is set to each event in turn (in this task's context only: the
    stream's own `current_event`, which its take buffer reads, is left alone).
    """

    async def handle(events: Sequence[EventT]) -> list[Pending | BaseException]:
        outcomes = [await run_as_current(handler, event) for event in events]
        _current_event.set(None)
        return outcomes

    return handle


def by_key(handler: Callable[[bytes, bytes | None], Awaitable[Pending]]) -> BatchHandler:
    """Like `each`, but events with different keys are handled at the same time.

    Why: a stage whose handler must await its own effects (notify waits for its
    ledger marks and for HTTP and SMTP targets) would otherwise pay one round
    trip after another per event. Events with the same key (one relationship)
    still run one after the other, in offset order, so a person's conversation
    keeps its order downstream. Every lane is its own task with its own copy of
    the context, so each sees its own current event and mention id.
    """

    async def handle(events: Sequence[EventT]) -> list[Pending | BaseException]:
        outcomes: list[Pending | BaseException] = [[] for _ in events]
        lanes: dict[bytes | None, list[int]] = {}
        for n, event in enumerate(events):
            key = event.message.key
            lanes.setdefault(key if isinstance(key, bytes) else None, []).append(n)

        async def run_lane(indices: list[int]) -> None:
            for n in indices:
                outcomes[n] = await run_as_current(handler, events[n])

        await asyncio.gather(*(run_lane(indices) for indices in lanes.values()))
        return outcomes

    return handle


@contextmanager
def as_current(event: EventT) -> Iterator[None]:
    """`event` is Faust's current event inside the block (in this task's context)."""
    bound = _current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        _current_event.reset(bound)


async def run_as_current(
    handler: Callable[[bytes, bytes | None], Awaitable[Pending]], event: EventT
) -> Pending | BaseException:
    """Runs `handler` with `event` as Faust's current event; its error is returned, not raised."""
    _current_event.set(weakref.ref(event))
    value, key = value_of(event), event.message.key
    bound = CURRENT_MENTION.set(correlation_id(value))
    try:
        return await handler(value, key if isinstance(key, bytes) else None)
    except Exception as err:  # judged by handle_batches: dead letter, stream goes on
        return err
    finally:
        CURRENT_MENTION.reset(bound)


async def handle_batches(
    stream: faust.StreamT,
    handler: BatchHandler,
    dead_letters: DeadLetters,
    max_events: int = 500,
    within_s: float = 0.02,
) -> None:
    """Takes up to `max_events` events at once (waiting at most `within_s`), handles them
    together, and awaits every output's acknowledgement once per batch instead of once
    per event; a rejection or a bug dead-letters its event, never stops the loop.

    Why this keeps at-least-once: the consumer commits an offset only once it and
    every offset before it are acked, and a message is acked when its reference
    count drops to zero. The stream drops its own reference as soon as the reader
    asks it for the next event (`read_batches`), so each event gets one extra
    reference (`Message.incref`, the counting Faust's conductor uses for several
    subscribers) that only this loop drops (`Event.ack`), after every output of the
    batch is on the broker (acks=all) or the event is on the dead-letter topic.
    An outage (`outage_reason`) met by any event of the batch, in the handler or in an
    output's acknowledgement, makes the loop wait (`outlast`) and handle the batch
    again, as a crash-replay would (only its poison, dead-lettered at once, is left
    out); its events keep their reference meanwhile, so nothing of the batch or after
    it is committed.
    Cancelled or crashed before that, the events stay unacked and are delivered
    again; the stages' effects are idempotent by key (mention id, decision id),
    so the replay repeats nothing downstream that matters.
    Order per relationship holds: one partition's events are handled in order and
    the producer keeps the send order per partition.
    """
    if max_events <= 1:
        await _handle_one_by_one(stream, handler, dead_letters)
        return
    # aclosing: however this loop ends, the reader task stops with it (an agent Faust
    # restarts after a crash would otherwise share its stream with an orphaned reader)
    async with aclosing(read_batches(stream, max_events, within_s)) as batches:
        async for events in batches:
            await _handle_batch(events, handler, dead_letters)


async def _handle_batch(
    events: Sequence[EventT], handler: BatchHandler, dead_letters: DeadLetters
) -> None:
    """One batch: handled (again, after an outage), its outputs acknowledged, its poison
    dead-lettered, then acked."""
    started = time.perf_counter()
    valid = [e for e in events if isinstance(e.message.value, bytes)]
    for event in events:
        if not isinstance(event.message.value, bytes):
            await dead_letters.outlast(partial(dead_letters.reject, event, "not_bytes"))
    await dead_letters.outlast(_Tries(valid, handler, dead_letters).attempt)
    for event in events:
        event.ack()  # the reference read_batches took: now the offset may commit
    # every event of the batch waited from the batch's start until all its outputs were acked
    elapsed = time.perf_counter() - started
    stage_seconds = STAGE_SECONDS.labels(stage=dead_letters.stage)
    for _ in valid:
        stage_seconds.observe(elapsed)


class _Tries:
    """A batch handled until none of its events meets an outage; every try handles the
    events still open, in their order. Poison is final whatever else happens: it is
    dead-lettered as soon as it is known and left out of the next try, so a long outage
    does not hold it back."""

    def __init__(
        self, events: Sequence[EventT], handler: BatchHandler, dead_letters: DeadLetters
    ) -> None:
        self.open = list(events)
        self.handler = handler
        self.dead_letters = dead_letters

    async def attempt(self) -> None:
        if not self.open:
            return
        errors = await _errors(self.open, self.handler)
        outage = next((e for e in errors if e is not None and outage_reason(e) is not None), None)
        done: set[int] = set()
        try:
            for event, error in zip(self.open, errors, strict=True):
                if error is not None and outage_reason(error) is None:
                    await _reject(event, error, self.dead_letters)
                    done.add(id(event))
        finally:
            self.open = [e for e in self.open if id(e) not in done]
        if outage is not None:
            raise outage


async def _errors(events: Sequence[EventT], handler: BatchHandler) -> list[BaseException | None]:
    """Per event, None once its outputs are acknowledged, else what went wrong."""
    outcomes = await handler(events)
    acks = await asyncio.gather(
        *(_all_acked(o) for o in outcomes if not isinstance(o, BaseException))
    )
    results = iter(acks)
    return [
        outcome if isinstance(outcome, BaseException) else next(results) for outcome in outcomes
    ]


async def read_batches(
    stream: faust.StreamT, max_events: int, within_s: float
) -> AsyncGenerator[list[EventT], None]:
    """Batches of at most `max_events` events, in stream order: what has arrived, plus what
    arrives within `within_s` of the first; each event carries one reference for the caller
    to drop (`Event.ack`) once it is done with it.

    Why not Faust's `Stream.take_events`: its background drainer and the agent hand the
    buffer to each other through three events and a future, and after a crash-restart
    (recovery, then a burst of buffered records) the drainer was seen waiting for "buffer
    consumed" while the agent never saw "buffer full": the stream stopped for good
    (tests/service/notify/test_crash_exactly_once.py, faust-streaming 0.15.3). Here one
    task iterates the stream the plain way (`Stream.events`, as the one-by-one path does)
    into a bounded queue, and the batch is whatever the queue holds.
    """
    queue: asyncio.Queue[EventT] = asyncio.Queue(maxsize=max_events)

    async def read() -> None:
        async for event in stream.events():
            event.message.incref()  # held until the caller acks it, see handle_batches
            await queue.put(event)

    reader = asyncio.ensure_future(read())
    loop = asyncio.get_running_loop()
    try:
        while True:
            first = asyncio.ensure_future(queue.get())
            await asyncio.wait({first, reader}, return_when=asyncio.FIRST_COMPLETED)
            if not first.done():  # the stream ended (or failed): so does this
                first.cancel()
                reader.result()
                return
            batch = [first.result()]
            deadline = loop.time() + within_s
            while len(batch) < max_events:
                if not queue.empty():
                    batch.append(queue.get_nowait())
                    continue
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:  # a cancelled Queue.get leaves its item in the queue
                    batch.append(await asyncio.wait_for(queue.get(), remaining))
                except TimeoutError:
                    break
            yield batch
    finally:
        reader.cancel()
        with suppress(asyncio.CancelledError):
            await reader


async def _handle_one_by_one(
    stream: faust.StreamT, handler: BatchHandler, dead_letters: DeadLetters
) -> None:
    """The default: each event alone, its outputs acknowledged before the next one."""
    async for event in stream.events():
        if not isinstance(event.message.value, bytes):
            await dead_letters.outlast(partial(dead_letters.reject, event, "not_bytes"))
            continue
        started = time.perf_counter()
        await dead_letters.outlast(_Tries([event], handler, dead_letters).attempt)
        STAGE_SECONDS.labels(stage=dead_letters.stage).observe(time.perf_counter() - started)


def value_of(event: EventT) -> bytes:
    """The raw bytes of an event handle_batches let through (it dead-letters the others)."""
    value = event.message.value
    assert isinstance(value, bytes)
    return value


async def _all_acked(pending: Pending) -> BaseException | None:
    """None when every send was acknowledged, else the first failure."""
    for result in await asyncio.gather(*pending, return_exceptions=True):
        if isinstance(result, BaseException):
            return result
    return None


async def _reject(event: EventT, error: BaseException, dead_letters: DeadLetters) -> None:
    bound = CURRENT_MENTION.set(correlation_id(value_of(event)))
    try:
        if isinstance(error, Rejected):
            await dead_letters.reject(event, error.reason, error.detail)
        else:
            log.error(
                "handler failed",
                extra={"stage": dead_letters.stage},
                exc_info=(type(error), error, error.__traceback__),
            )
            await dead_letters.reject(event, "handler_error", f"{type(error).__name__}: {error}")
    finally:
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
