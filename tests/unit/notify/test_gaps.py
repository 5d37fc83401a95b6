"""The offset tracker that notices records the Faust stream skipped (services/notify/gaps.py)."""

from __future__ import annotations

from services.notify.gaps import Gap, OffsetTracker


def test_contiguous_offsets_are_no_gap() -> None:
    tracker = OffsetTracker()
    tracker.start_at(0, 5)
    assert [tracker.arrived(0, offset) for offset in range(5, 10)] == [None] * 5


def test_a_jump_forward_names_the_skipped_range() -> None:
    tracker = OffsetTracker()
    tracker.start_at(2, 5)
    for offset in range(5, 10):
        tracker.arrived(2, offset)
    gap = tracker.arrived(2, 40)
    assert gap == Gap(2, 10, 40)
    assert gap.size == 30
    assert tracker.arrived(2, 41) is None


def test_the_first_record_after_the_committed_offset_can_already_be_past_a_gap() -> None:
    tracker = OffsetTracker()
    tracker.start_at(1, 6)
    assert tracker.arrived(1, 40) == Gap(1, 6, 40)


def test_redeliveries_never_move_the_expectation_back() -> None:
    tracker = OffsetTracker()
    tracker.start_at(0, 0)
    for offset in range(0, 10):
        tracker.arrived(0, offset)
    assert tracker.arrived(0, 3) is None  # a redelivery: handled again, idempotently
    assert tracker.arrived(0, 10) is None


def test_partitions_are_tracked_apart_and_unknown_ones_start_where_they_are() -> None:
    tracker = OffsetTracker()
    assert not tracker.knows(0)
    assert tracker.arrived(0, 17) is None  # nothing committed yet: no expectation
    assert tracker.knows(0)
    tracker.start_at(0, 3)  # too late to matter: the first arrival set it
    assert tracker.arrived(0, 18) is None
    assert tracker.arrived(1, 0) is None


def test_a_range_that_could_not_be_read_is_found_again_by_the_next_record() -> None:
    tracker = OffsetTracker()
    tracker.start_at(0, 0)
    tracker.arrived(0, 0)
    gap = tracker.arrived(0, 5)
    assert gap == Gap(0, 1, 5)
    tracker.unread(gap)
    assert tracker.arrived(0, 6) == Gap(0, 1, 6)


def test_revoked_partitions_start_afresh_when_they_come_back() -> None:
    tracker = OffsetTracker()
    tracker.start_at(0, 0)
    tracker.arrived(0, 0)
    tracker.forget({0})
    assert not tracker.knows(0)
    tracker.start_at(0, 500)  # another worker went on meanwhile
    assert tracker.arrived(0, 500) is None
