"""Runs connectors: publishes each batch they yield, dead-letters its faults, then saves the cursor.

The order is the guarantee: mentions are acknowledged by Kafka before the
cursor that covers them is written, so a crash anywhere re-reads, never skips.
While Kafka is unavailable the runner retries the same batch with back-off,
which pauses the connector (it is a generator: it reads nothing meanwhile).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from schemas import Mention
from services.ingest.cursors import CursorStore, CursorStoreError
from services.ingest.metrics import CONNECTED, SKIPPED
from services.ingest.publisher import MentionPublisher, PublishFailed
from services.ingest.sources.base import Rejection

log = logging.getLogger(__name__)


class ConnectorFailed(RuntimeError):
    """A connector gave up after too many consecutive failures."""


@dataclass(frozen=True)
class Backoff:
    """Exponential back-off with jitter, bounded in delay and in consecutive attempts."""

    base_s: float = 1.0
    cap_s: float = 60.0
    max_attempts: int = 100

    def delay(self, attempt: int) -> float:
        ceiling = min(self.cap_s, self.base_s * 2 ** min(attempt - 1, 30))
        return ceiling / 2 + random.uniform(0, ceiling / 2)


@dataclass
class Batch:
    """What a connector read since its last batch, and the cursor to save once it is published."""

    mentions: list[Mention] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    cursor: Any = None


class Connector(Protocol):
    name: str
    source: str

    def batches(self, cursor: Any) -> AsyncIterator[Batch]: ...


async def _publish(
    publisher: MentionPublisher,
    mentions: Sequence[Mention],
    also: Sequence[tuple[str, bytes, bytes]],
    backoff: Backoff,
) -> None:
    attempt = 0
    while True:
        try:
            await asyncio.to_thread(publisher.publish, mentions, also)
            return
        except PublishFailed as err:
            attempt += 1
            if attempt >= backoff.max_attempts:
                raise ConnectorFailed(f"Kafka unavailable for {attempt} attempts") from err
            log.warning("kafka unavailable, connector paused", extra={"attempt": attempt})
            await asyncio.sleep(backoff.delay(attempt))


async def run_connector(
    connector: Connector, publisher: MentionPublisher, cursors: CursorStore, backoff: Backoff
) -> None:
    """Feeds one connector's batches into Kafka until it stops or gives up."""
    log.info("connector starting", extra={"connector": connector.name})
    try:
        async for batch in connector.batches(cursors.get(connector.name)):
            if batch.mentions:
                cursor = batch.cursor
                also = [cursors.record(connector.name, cursor)] if cursor is not None else []
                await _publish(publisher, batch.mentions, also, backoff)
                if cursor is not None:
                    cursors.mark(connector.name, cursor)
            for rejection in batch.rejected:
                if rejection.is_fault:
                    publisher.dead_letter(
                        rejection.original, rejection.reason, rejection.detail, connector.source
                    )
                else:
                    SKIPPED.labels(source=connector.source).inc()
            if batch.cursor is not None:
                try:
                    await asyncio.to_thread(cursors.save, connector.name, batch.cursor)
                except CursorStoreError as err:
                    # Published but not marked: the next start re-reads (same ids), nothing is lost.
                    log.warning(
                        "cursor not saved", extra={"connector": connector.name, "error": str(err)}
                    )
    finally:
        CONNECTED.labels(source=connector.source).set(0)
        log.info("connector stopped", extra={"connector": connector.name})


async def run_all(
    connectors: Sequence[Connector],
    publisher: MentionPublisher,
    load_cursors: Any,
    backoff: Backoff,
) -> None:
    """Loads the cursors (waiting for Kafka with back-off), then runs every connector."""
    attempt = 0
    while True:
        try:
            cursors: CursorStore = await asyncio.to_thread(load_cursors)
            break
        except CursorStoreError as err:
            attempt += 1
            if attempt >= backoff.max_attempts:
                log.error("cursors unreadable, connectors not started", extra={"error": str(err)})
                return
            await asyncio.sleep(backoff.delay(attempt))
    tasks = [asyncio.create_task(run_connector(c, publisher, cursors, backoff)) for c in connectors]
    for connector, outcome in zip(
        connectors, await asyncio.gather(*tasks, return_exceptions=True), strict=True
    ):
        if isinstance(outcome, BaseException) and not isinstance(outcome, asyncio.CancelledError):
            log.error(
                "connector gave up",
                extra={
                    "connector": connector.name,
                    "error": f"{type(outcome).__name__}: {outcome}",
                },
            )
