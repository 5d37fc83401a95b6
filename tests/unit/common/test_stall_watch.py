"""The stall watch: a partition with messages waiting whose committed offset does not move."""

from __future__ import annotations

import asyncio
import gc
import weakref
from pathlib import Path

from kafka import TopicPartition

from services.common.lag import (
    STALL_EXITS,
    StallWatch,
    count_recorded_exits,
    count_stall_exits,
    record_stall_exit,
    suspended_frames,
)

A0, A1 = TopicPartition("a", 0), TopicPartition("a", 1)


def test_waiting_messages_at_the_same_offset_for_the_timeout_is_a_stall() -> None:
    watch = StallWatch(timeout_s=60)
    assert watch.observe(0.0, {A0: 10}, {A0: 4}, [A0]) == []
    assert watch.observe(59.0, {A0: 12}, {A0: 4}, [A0]) == []
    assert watch.observe(60.0, {A0: 12}, {A0: 4}, [A0]) == [A0]


def test_a_moving_offset_starts_the_watch_again() -> None:
    watch = StallWatch(timeout_s=60)
    watch.observe(0.0, {A0: 10}, {A0: 4}, [A0])
    assert watch.observe(50.0, {A0: 10}, {A0: 5}, [A0]) == []  # progress at 50 s
    assert watch.observe(100.0, {A0: 10}, {A0: 5}, [A0]) == []
    assert watch.observe(110.0, {A0: 10}, {A0: 5}, [A0]) == [A0]


def test_nothing_waiting_is_never_a_stall() -> None:
    watch = StallWatch(timeout_s=60)
    for now in (0.0, 100.0, 1000.0):
        assert watch.observe(now, {A0: 10}, {A0: 10}, [A0]) == []  # caught up
        assert watch.observe(now, {A1: 10}, {A1: None}, [A1]) == []  # never committed


def test_only_this_workers_partitions_count_and_a_caught_up_one_is_forgotten() -> None:
    watch = StallWatch(timeout_s=60)
    watch.observe(0.0, {A0: 10, A1: 10}, {A0: 4, A1: 4}, [A0])
    assert watch.observe(70.0, {A0: 10, A1: 10}, {A0: 4, A1: 4}, [A0]) == [A0]  # A1: not ours
    watch.observe(80.0, {A0: 10}, {A0: 10}, [A0])  # caught up at 80 s
    assert watch.observe(90.0, {A0: 11}, {A0: 10}, [A0]) == []  # waiting again, since 90 s
    assert watch.observe(150.0, {A0: 11}, {A0: 10}, [A0]) == [A0]


def test_a_worker_without_partitions_sees_the_groups_stall() -> None:
    """Stuck before the group gave it anything, e.g. started as the broker went away."""
    watch = StallWatch(timeout_s=60)
    watch.observe(0.0, {A0: 10, A1: 10}, {A0: 4, A1: 10}, [])
    assert watch.observe(60.0, {A0: 10, A1: 10}, {A0: 4, A1: 10}, []) == [A0]


def test_the_coroutine_census_survives_a_dead_weak_proxy() -> None:
    """gc.get_objects() can hand back a weakref.proxy whose object is gone: looking at it
    raises ReferenceError, which once crashed a stalled worker instead of letting it exit 75."""

    class Thing:
        pass

    thing = Thing()
    holder = [weakref.proxy(thing)]  # a container gc tracks, holding the proxy
    del thing
    gc.collect()

    async def waiting() -> None:
        await asyncio.sleep(1)

    coroutine = waiting()
    try:
        places = suspended_frames()
    finally:
        coroutine.close()
    assert holder  # the dead proxy was there during the census
    assert any("waiting" in place for place in places)


def test_a_reset_watch_times_every_partition_from_the_next_look() -> None:
    watch = StallWatch(timeout_s=60)
    watch.observe(0.0, {A0: 10}, {A0: 4}, [A0])
    watch.reset()  # the stage waited for an outage meanwhile: no progress on purpose
    assert watch.observe(100.0, {A0: 10}, {A0: 4}, [A0]) == []
    assert watch.observe(160.0, {A0: 10}, {A0: 4}, [A0]) == [A0]


def test_stall_exits_are_counted_by_the_next_start(tmp_path: Path) -> None:
    exits = tmp_path / "stall-exits" / "test-group.log"
    group = "test-stall-exits-group"
    count_recorded_exits(group, exits)  # the first start: the series exists, at 0
    assert STALL_EXITS.labels(group=group)._value.get() == 0
    assert count_stall_exits(exits) == 0

    record_stall_exit(exits, group, [A0])  # what a worker does just before it exits 75
    record_stall_exit(exits, group, [A0, A1])
    assert count_stall_exits(exits) == 2
    assert "a[1]" in exits.read_text()

    count_recorded_exits(group, exits)  # the restarted worker
    assert STALL_EXITS.labels(group=group)._value.get() == 2
    count_recorded_exits(group, exits)  # counted once, however often it is asked
    assert STALL_EXITS.labels(group=group)._value.get() == 2
