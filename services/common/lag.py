"""Consumer lag per consumer group and topic, exported as a Prometheus gauge.

Faust does not report how far its consumer group is behind, so each stream
processor runs a `ConsumerLagMonitor` next to its agents: every few seconds it
asks the broker for the end offsets of the topics the app's agents read and
for the group's committed offsets, and sets
`webcare_consumer_lag_messages{group, topic}` to the sum over partitions.
The arithmetic (`lag_per_topic`, `StallWatch`) is pure and unit-tested; the
broker calls run in a worker thread with kafka-python so the event loop never
waits on them.

The same poll watches for stalled partitions. Now and then, after a broker
restart, a Faust worker stops fetching one partition and never resumes on its
own (faust-streaming issues #175 and #523; seen in tests/chaos). The stages are
crash-safe by design (at-least-once, idempotent effects), so the cure is the
crash-only one: when a partition assigned to this worker has messages waiting
and its committed offset has not moved for `stall_timeout_s`, the worker says
so and exits with `STALLED_EXIT_CODE`; its supervisor (`make run`, the
containers' restart policy) starts it again and it resumes from the committed
offset. It is a last-resort net, so every such exit is counted: the exiting
worker appends a line to a file in the state dir, and the restarted one reads
the file and exports the count as `webcare_stall_exits_total{group}` (a counter
in the exiting process would die with it). A worker that waits for an outage
to end (`waiting`) makes no progress on purpose: the watch holds off meanwhile.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import time
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
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
STALLED_EXIT_CODE = 75  # EX_TEMPFAIL: "try again", which is what the supervisor does
STALL_EXITS = Counter(
    "webcare_stall_exits_total",
    "Times a worker of the group exited 75 on a stalled partition (kept in a file in the"
    " state dir across the restarts).",
    ["group"],
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


@dataclass
class StallWatch:
    """Remembers since when each partition has had messages waiting at the same committed offset."""

    timeout_s: float
    _since: dict[TopicPartition, tuple[int, float]] = field(default_factory=dict)

    def observe(
        self,
        now: float,
        end_offsets: Mapping[TopicPartition, int],
        committed: Mapping[TopicPartition, int | None],
        assigned: Iterable[TopicPartition],
    ) -> list[TopicPartition]:
        """The partitions stalled for at least `timeout_s` as of `now` (monotonic) that are
        this worker's, or all of them while it has none: a worker stuck before it got its
        partitions (e.g. started as the broker went away) is as stuck as one that lost them."""
        mine = set(assigned)
        stalled: list[TopicPartition] = []
        watched: dict[TopicPartition, tuple[int, float]] = {}
        for partition, end in end_offsets.items():
            position = committed.get(partition)
            if position is None or position >= end:
                continue  # nothing waiting (or never committed: the lag gauge shows that)
            offset, since = self._since.get(partition, (position, now))
            if offset != position:
                offset, since = position, now  # it moved: watch again from here
            watched[partition] = (offset, since)
            if now - since >= self.timeout_s and (not mine or partition in mine):
                stalled.append(partition)
        self._since = watched
        return stalled

    def reset(self) -> None:
        """Forgets every partition's progress: timing starts again at the next `observe`."""
        self._since = {}


def record_stall_exit(path: Path, group: str, partitions: Iterable[TopicPartition]) -> None:
    """Appends one line for this exit to `path`, for the restarted worker to count."""
    line = {
        "at": datetime.now(UTC).isoformat(),
        "group": group,
        "partitions": [f"{tp.topic}[{tp.partition}]" for tp in partitions],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(json.dumps(line) + "\n")


def count_stall_exits(path: Path) -> int:
    """How many stall exits `path` records (0 when there is no file yet)."""
    try:
        with path.open(encoding="utf-8") as file:
            return sum(1 for line in file if line.strip())
    except FileNotFoundError:
        return 0


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
        end, committed, beginning = self.offsets(topics)
        return lag_per_topic(end, committed, beginning)

    def offsets(
        self, topics: Iterable[str]
    ) -> tuple[
        dict[TopicPartition, int], dict[TopicPartition, int | None], dict[TopicPartition, int]
    ]:
        """End, committed and beginning offsets of every partition of `topics`."""
        consumer, admin = self._clients()
        partitions = [
            TopicPartition(topic, number)
            for topic in topics
            for number in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            return {}, {}, {}
        end = consumer.end_offsets(partitions, timeout_ms=10_000)
        beginning = consumer.beginning_offsets(partitions, timeout_ms=10_000)
        offsets: Mapping[TopicPartition, Any] = admin.list_group_offsets(self.group).get(
            self.group, {}
        )
        committed = {
            tp: (meta.offset if meta is not None and meta.offset >= 0 else None)
            for tp, meta in offsets.items()
        }
        return end, committed, beginning

    def close(self) -> None:
        for client in (self._consumer, self._admin):
            if client is not None:
                client.close()
        self._consumer = self._admin = None


def assigned_partitions(app: faust.App) -> list[TopicPartition]:
    """The partitions of its input topics the group gave this worker (none before it has any)."""
    try:
        assignment = app.consumer.assignment()
    except (AttributeError, RuntimeError):  # the consumer is not started yet
        return []
    return [TopicPartition(tp.topic, tp.partition) for tp in assignment]


def suspended_frames() -> list[str]:
    """Where every suspended coroutine and async generator of the process waits, innermost
    code first: what a stalled worker was waiting for (asyncio's task stacks stop at the
    first async generator or custom awaitable, which is where Faust's stream code lives)."""
    places = []
    for obj in gc.get_objects():
        try:  # a dead weakref.proxy raises on any look at it, isinstance included
            if isinstance(obj, types.CoroutineType):
                frame, running = obj.cr_frame, obj.cr_running
            elif isinstance(obj, types.AsyncGeneratorType):
                frame, running = obj.ag_frame, obj.ag_running
            else:
                continue
        except ReferenceError:
            continue
        if frame is not None:
            code = frame.f_code
            state = " (running)" if running else ""
            places.append(f"{code.co_filename}:{frame.f_lineno} {code.co_name}{state}")
    return sorted(places)


def consumer_state(app: faust.App, partitions: Iterable[TopicPartition]) -> dict[str, Any]:
    """What Faust's consumer and table recovery believe about `partitions`: read, committed and
    acknowledged offsets, pauses, flow and recovery, so a stall can be read from the log."""
    state: dict[str, Any] = {}
    try:
        consumer: Any = app.consumer
        recovery: Any = app.tables.recovery  # type: ignore[attr-defined]
        state["flow_active"] = consumer.flow_active
        state["in_recovery"] = recovery.in_recovery
        state["rebalancing"] = app.rebalancing
        state["recovery_remaining"] = {
            f"{tp.topic}[{tp.partition}]": n for tp, n in recovery.active_remaining().items() if n
        }
        paused = consumer._thread._ensure_consumer().paused()
        state["paused_in_aiokafka"] = sorted(f"{tp.topic}[{tp.partition}]" for tp in paused)
        assigned = set(assigned_partitions(app))
        for tp in partitions:  # kafka's and Faust's (topic, partition) tuples hash alike
            if tp not in assigned:
                state[f"{tp.topic}[{tp.partition}]"] = "not assigned"
                continue
            acked = sorted(consumer._acked.get(tp, ()))
            state[f"{tp.topic}[{tp.partition}]"] = {
                "read_offset": consumer._read_offset.get(tp),
                "committed_offset": consumer._committed_offset.get(tp),
                "acked": len(acked),
                "acked_first": acked[:3],
                "acked_last": acked[-1:],
                "gaps": [(g.begin, g.end) for g in consumer._gap.get(tp, ())][:5],
                "active": tp in consumer._get_active_partitions(),
                "paused": tp in consumer._paused_partitions,
                "buffered": tp in consumer._buffered_partitions,
                "unacked_messages": sum(1 for m in consumer._unacked_messages if m.tp == tp),
            }
    except Exception as err:  # a diagnostic must never be the thing that fails
        state["error"] = repr(err)
    return state


def exit_stalled(
    group: str,
    stalled: list[TopicPartition],
    timeout_s: float,
    state: dict[str, Any],
    exits_file: Path | None = None,
) -> None:
    """Crash-only recovery of a stalled partition: see the module docstring. Whatever the
    diagnostics do, the process exits 75, so the supervisor starts it again."""
    try:
        if exits_file is not None:
            record_stall_exit(exits_file, group, stalled)
    except OSError:
        log.exception("stalled worker: exit not recorded in %s", exits_file)
    try:
        log.error("stalled worker: consumer state %s", state)
        log.error("stalled worker: suspended at\n%s", "\n".join(suspended_frames()))
    except Exception:
        log.exception("stalled worker: diagnostics failed")
    log.error(
        "partitions stalled: exiting for the supervisor to restart this worker",
        extra={
            "group": group,
            "partitions": ", ".join(f"{tp.topic}[{tp.partition}]" for tp in stalled),
            "stalled_for_s": timeout_s,
            "exit_code": STALLED_EXIT_CODE,
        },
    )
    logging.shutdown()
    os._exit(STALLED_EXIT_CODE)  # not SystemExit: a wedged consumer can hang a clean shutdown


_counted: dict[str, int] = {}  # per group, the recorded exits already in STALL_EXITS


def count_recorded_exits(group: str, exits_file: Path | None) -> None:
    """Brings `webcare_stall_exits_total{group}` up to what `exits_file` records (the series
    exists from the start, at 0 when there were none)."""
    recorded = count_stall_exits(exits_file) if exits_file else 0
    STALL_EXITS.labels(group=group).inc(max(recorded - _counted.get(group, 0), 0))
    _counted[group] = max(recorded, _counted.get(group, 0))


async def poll_consumer_lag(
    app: faust.App,
    reader: OffsetReader,
    interval_s: float,
    stall_timeout_s: float = 0.0,
    waiting: Callable[[], bool] = lambda: False,
    exits_file: Path | None = None,
) -> None:
    """Keeps the lag gauge current until the app stops; a failed poll is counted, never fatal."""
    group = reader.group
    failing = False
    watch = StallWatch(stall_timeout_s)
    try:
        while not app.should_stop:
            try:
                end, committed, beginning = await asyncio.to_thread(
                    reader.offsets, agent_topics(app)
                )
                lag = lag_per_topic(end, committed, beginning)
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
                if stall_timeout_s > 0 and waiting():
                    watch.reset()  # no progress on purpose: the stage waits for an outage
                elif stall_timeout_s > 0:
                    assigned = assigned_partitions(app)
                    stalled = watch.observe(time.monotonic(), end, committed, assigned)
                    if stalled:
                        state = consumer_state(app, stalled)
                        exit_stalled(group, stalled, stall_timeout_s, state, exits_file)
            await asyncio.sleep(interval_s)
    finally:
        reader.close()


def watch_consumer_lag(
    app: faust.App,
    bootstrap: str,
    interval_s: float,
    stall_timeout_s: float = 0.0,
    waiting: Callable[[], bool] = lambda: False,
    exits_file: Path | None = None,
) -> None:
    """Starts the lag poll (and stall watch) with the app's worker; interval 0 turns it off.
    The stall exits recorded in `exits_file` by earlier runs are counted from the start."""
    count_recorded_exits(app.conf.id, exits_file)
    if interval_s <= 0:
        return
    reader = OffsetReader(bootstrap, app.conf.id)

    async def consumer_lag() -> None:
        await poll_consumer_lag(app, reader, interval_s, stall_timeout_s, waiting, exits_file)

    app.task(consumer_lag)
