"""Consumer lag per consumer group and topic, exported as a Prometheus gauge.

Faust does not report how far its consumer group is behind, so each stream
processor runs a `ConsumerLagMonitor` next to its agents: every few seconds it
asks the broker for the end offsets of the topics the app's agents read and
for the group's committed offsets, and sets
`webcare_consumer_lag_messages{group, topic}` to the sum over partitions.
The arithmetic (`lag_per_topic`) is pure and unit-tested; the broker calls run
in a worker thread with kafka-python so the event loop never waits on them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import faust
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from prometheus_client import Counter, Gauge

from services.common.kafka import bootstrap_servers

log = logging.getLogger(__name__)

CONSUMER_LAG = Gauge(
    "webcare_consumer_lag_messages",
    "Messages on a topic the consumer group has not committed yet (end minus committed offset,"
    " summed over partitions).",
    ["group", "topic"],
)
LAG_POLL_FAILURES = Counter(
    "webcare_consumer_lag_poll_failures_total",
    "Times the consumer-lag monitor could not read offsets from the broker.",
    ["group"],
)


def lag_per_topic(
    end_offsets: Mapping[TopicPartition, int],
    committed: Mapping[TopicPartition, int | None],
    beginning_offsets: Mapping[TopicPartition, int] | None = None,
) -> dict[str, int]:
    """Sum over partitions of (end - committed), per topic; never negative.

    A partition the group never committed counts from its beginning offset
    (0 unless retention removed old messages), since the consumer starts
    there with auto_offset_reset=earliest.
    """
    starts = beginning_offsets or {}
    lag: dict[str, int] = {}
    for partition, end in end_offsets.items():
        start = starts.get(partition, 0)
        position = committed.get(partition)
        done = start if position is None or position < start else position
        lag[partition.topic] = lag.get(partition.topic, 0) + max(end - done, 0)
    return lag


def agent_topics(app: faust.App) -> list[str]:
    """The names of the topics the app's agents consume (its changelogs are not lag)."""
    names: set[str] = set()
    for agent in app.agents.values():
        names.update(getattr(agent.channel, "topics", ()) or ())
    return sorted(names)


class OffsetReader:
    """Reads end, beginning and committed offsets with kafka-python; used from one thread."""

    def __init__(self, bootstrap: str, group: str) -> None:
        self.bootstrap = bootstrap_servers(bootstrap)
        self.group = group
        self._consumer: KafkaConsumer | None = None
        self._admin: KafkaAdminClient | None = None

    def _clients(self) -> tuple[KafkaConsumer, KafkaAdminClient]:
        if self._consumer is None:
            self._consumer = KafkaConsumer(
                bootstrap_servers=self.bootstrap,
                group_id=None,
                enable_auto_commit=False,
                client_id=f"{self.group}-lag",
                bootstrap_timeout_ms=5_000,
                request_timeout_ms=10_000,
            )
        if self._admin is None:
            self._admin = KafkaAdminClient(
                bootstrap_servers=self.bootstrap,
                client_id=f"{self.group}-lag-admin",
                bootstrap_timeout_ms=5_000,
                request_timeout_ms=10_000,
            )
        return self._consumer, self._admin

    def lag(self, topics: Iterable[str]) -> dict[str, int]:
        consumer, admin = self._clients()
        partitions = [
            TopicPartition(topic, number)
            for topic in topics
            for number in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            return {}
        end = consumer.end_offsets(partitions, timeout_ms=10_000)
        beginning = consumer.beginning_offsets(partitions, timeout_ms=10_000)
        offsets: Mapping[TopicPartition, Any] = admin.list_group_offsets(self.group).get(
            self.group, {}
        )
        committed = {
            tp: (meta.offset if meta is not None and meta.offset >= 0 else None)
            for tp, meta in offsets.items()
        }
        return lag_per_topic(end, committed, beginning)

    def close(self) -> None:
        for client in (self._consumer, self._admin):
            if client is not None:
                client.close()
        self._consumer = self._admin = None


async def poll_consumer_lag(app: faust.App, reader: OffsetReader, interval_s: float) -> None:
    """Keeps the lag gauge current until the app stops; a failed poll is counted, never fatal."""
    group = reader.group
    failing = False
    try:
        while not app.should_stop:
            try:
                lag = await asyncio.to_thread(reader.lag, agent_topics(app))
            except (KafkaError, OSError, ValueError, AssertionError) as err:
                # Monitoring must never stop the worker: count it, say it once, retry later.
                LAG_POLL_FAILURES.labels(group=group).inc()
                if not failing:  # one line when it starts failing, not one per poll
                    log.warning("consumer lag unavailable", extra={"error": repr(err)})
                failing = True
                await asyncio.to_thread(reader.close)
            else:
                failing = False
                for topic, messages in lag.items():
                    CONSUMER_LAG.labels(group=group, topic=topic).set(messages)
            await asyncio.sleep(interval_s)
    finally:
        reader.close()


def watch_consumer_lag(app: faust.App, bootstrap: str, interval_s: float) -> None:
    """Starts the lag poll with the app's worker (an app task); interval 0 turns it off."""
    if interval_s <= 0:
        return
    reader = OffsetReader(bootstrap, app.conf.id)

    async def consumer_lag() -> None:
        await poll_consumer_lag(app, reader, interval_s)

    app.task(consumer_lag)
