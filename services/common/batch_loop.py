"""The owned batch loop of a stateless stage, on aiokafka, without Faust.

Consume a batch (`getmany`), hand each record to the stage's handler (records
of one key in order, different keys and partitions side by side), send every output without
awaiting it, await all acknowledgements, then commit exactly the offsets whose
effects are acknowledged. The producer is idempotent with acks=all.

A handler says what a record is by what it raises:
- `Rejected` (or any bug): poison; the record goes to the dead-letter topic with
  stage, reason and its bytes, and the stream goes on.
- `Outage`: not the record's fault (a platform unreachable); the loop commits what
  came before it, seeks the partition back to it and tries again after a back-off.
Kafka itself away (an output not acknowledged) commits nothing of the batch, seeks
back and retries: the handlers' effects must be idempotent, and are replayed.
Used by `services.publish`; other stateless stages can adopt it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError
from kafka.errors import KafkaError as KafkaPythonError

from schemas import DeadLetter
from services.common.faust_runtime import Rejected
from services.common.lag import CONSUMER_LAG, LAG_POLL_FAILURES, OffsetReader
from services.common.logs import CURRENT_MENTION, correlation_id
from services.common.metrics import DEAD_LETTERS, STAGE_SECONDS

log = logging.getLogger(__name__)


class Outage(Exception):
    """Something the stage depends on is away; the record is retried later, not dead-lettered."""


@dataclass(frozen=True)
class Output:
    topic: str
    value: bytes
    key: bytes | None = None


Handler = Callable[[ConsumerRecord[bytes, bytes]], Awaitable[Sequence[Output]]]


@dataclass
class _PartitionResult:
    done: int | None = None  # offset of the last record whose outputs are sent
    stopped_at: int | None = None  # offset of the record that met an outage
    pending: list[Any] = field(default_factory=list)


@dataclass
class BatchLoop:
    consumer: AIOKafkaConsumer
    producer: AIOKafkaProducer
    handle: Handler
    stage: str
    dlq_topic: str
    max_records: int = 100
    timeout_ms: int = 200
    backoff_base_s: float = 0.5
    backoff_cap_s: float = 30.0
    concurrency: int = 32  # records handled at once across keys and partitions
    _outages: int = 0
    _slots: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self._slots = asyncio.Semaphore(self.concurrency)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.run_once()

    async def run_once(self) -> int:
        """One batch: handle, acknowledge, commit. Returns how many records it committed."""
        batch = await self.consumer.getmany(
            timeout_ms=self.timeout_ms, max_records=self.max_records
        )
        if not batch:
            return 0
        started = asyncio.get_running_loop().time()
        results = dict(
            zip(
                batch,
                await asyncio.gather(*(self._partition(records) for records in batch.values())),
                strict=True,
            )
        )
        try:
            await asyncio.gather(*(f for r in results.values() for f in r.pending))
        except KafkaError as err:
            log.warning("outputs not acknowledged; replaying the batch", extra={"error": str(err)})
            for tp, records in batch.items():
                self.consumer.seek(tp, records[0].offset)
            await self._wait()
            return 0
        offsets = {tp: r.done + 1 for tp, r in results.items() if r.done is not None}
        if offsets:
            try:
                await self.consumer.commit(offsets)
            except CommitFailedError as err:  # a rebalance took the partition: it is replayed
                log.warning("commit refused", extra={"error": str(err)})
        committed = sum(
            1 for tp, records in batch.items() for r in records if r.offset < offsets.get(tp, 0)
        )
        if committed:
            elapsed = asyncio.get_running_loop().time() - started
            STAGE_SECONDS.labels(stage=self.stage).observe(elapsed / committed)
        stopped = {tp: r.stopped_at for tp, r in results.items() if r.stopped_at is not None}
        for tp, offset in stopped.items():
            self.consumer.seek(tp, offset)
        if stopped:
            await self._wait()
        else:
            self._outages = 0
        return committed

    async def _partition(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> _PartitionResult:
        """A partition's records: one key's records in order, different keys side by side (the
        order that matters is per relationship, the key). The partition is done up to the
        first record an outage stopped; what other keys finished after it is replayed."""
        by_key: dict[bytes | None, list[ConsumerRecord[bytes, bytes]]] = {}
        for record in records:
            by_key.setdefault(record.key, []).append(record)
        finished: dict[int, list[Output]] = {}
        stops: list[int] = []

        async def one_key(chain: list[ConsumerRecord[bytes, bytes]]) -> None:
            for record in chain:
                async with self._slots:
                    outputs = await self._handle(record)
                if outputs is None:
                    stops.append(record.offset)
                    return
                finished[record.offset] = list(outputs)

        await asyncio.gather(*(one_key(chain) for chain in by_key.values()))
        result = _PartitionResult(stopped_at=min(stops) if stops else None)
        for record in records:  # send in offset order, up to the first stop
            if result.stopped_at is not None and record.offset >= result.stopped_at:
                break
            for output in finished[record.offset]:
                result.pending.append(
                    await self.producer.send(output.topic, output.value, key=output.key)
                )
            result.done = record.offset
        return result

    async def _handle(self, record: ConsumerRecord[bytes, bytes]) -> Sequence[Output] | None:
        """The record's outputs (a dead letter for poison), or None when an outage stopped it."""
        bound = CURRENT_MENTION.set(correlation_id(record.value or b""))
        try:
            return await self.handle(record)
        except Outage as err:
            log.warning("outage; will retry", extra={"stage": self.stage, "error": str(err)})
            return None
        except Rejected as rejection:
            return [self._letter(record, rejection.reason, rejection.detail)]
        except Exception as err:  # a bug must not stop the stream: keep the record, say why
            log.exception("handler failed", extra={"stage": self.stage})
            return [self._letter(record, "handler_error", f"{type(err).__name__}: {err}")]
        finally:
            CURRENT_MENTION.reset(bound)

    def _letter(self, record: ConsumerRecord[bytes, bytes], reason: str, detail: str) -> Output:
        DEAD_LETTERS.labels(stage=self.stage, reason=reason).inc()
        log.warning("dead-lettered", extra={"stage": self.stage, "reason": reason})
        letter = DeadLetter.of(
            stage=self.stage,
            reason=reason,
            detail=detail,
            original=record.value or b"",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            at=datetime.now(UTC),
        )
        return Output(self.dlq_topic, letter.model_dump_json().encode(), record.key)

    async def _wait(self) -> None:
        self._outages += 1
        await asyncio.sleep(backoff(self._outages, self.backoff_base_s, self.backoff_cap_s))


def backoff(attempt: int, base_s: float, cap_s: float, rng: random.Random | None = None) -> float:
    """Full jitter: random up to base * 2^(attempt-1), at most cap."""
    ceiling = min(cap_s, base_s * (2 ** max(0, attempt - 1)))
    return (rng or random).uniform(0, ceiling)


async def watch_lag(
    bootstrap: str, group: str, topics: Sequence[str], interval_s: float, stop: asyncio.Event
) -> None:
    """The consumer-lag gauge for a batch-loop stage (Faust stages use services.common.lag's
    watch); a failed poll is counted, never fatal. Interval 0 turns it off."""
    if interval_s <= 0:
        return
    reader = OffsetReader(bootstrap, group)
    try:
        while not stop.is_set():
            try:
                lag = await asyncio.to_thread(reader.lag, topics)
            except (KafkaPythonError, OSError, ValueError, AssertionError) as err:
                LAG_POLL_FAILURES.labels(group=group).inc()
                log.warning("consumer lag unavailable", extra={"error": repr(err)})
                await asyncio.to_thread(reader.close)
            else:
                for topic, messages in lag.items():
                    CONSUMER_LAG.labels(group=group, topic=topic).set(messages)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval_s)
    finally:
        await asyncio.to_thread(reader.close)


def durable_aio_producer(bootstrap: str, client_id: str) -> AIOKafkaProducer:
    """acks=all and idempotence, as every webcare producer."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
    )


def batch_consumer(
    bootstrap: str, group: str, topics: Sequence[str], client_id: str
) -> AIOKafkaConsumer:
    """A consumer that commits only what the loop says: no auto-commit, earliest on a new group."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=group,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )


__all__ = [
    "BatchLoop",
    "Outage",
    "Output",
    "TopicPartition",
    "backoff",
    "batch_consumer",
    "durable_aio_producer",
    "watch_lag",
]
