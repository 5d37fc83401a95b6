"""JumpGuard: after a seek, records reach the streams in order from the seek offset."""

from __future__ import annotations

from faust.types import TP

from services.common.faust_consumer import JumpGuard, Verdict

P0 = TP("webcare.mentions.classified", 0)
P1 = TP("webcare.mentions.classified", 1)


def feed(guard: JumpGuard, tp: TP, offsets: list[int], read_offset: int | None) -> list[int]:
    """Feeds offsets the way Faust's drain loop and the consumer do: a delivered record becomes
    the read offset (Faust drops what lies below it), a rewind seeks to the guard's offset.
    Returns the offsets handed to the stream."""
    handed = []
    for offset in offsets:
        verdict = guard.verdict(tp, offset, read_offset)
        if verdict is Verdict.DELIVER and (read_offset is None or offset >= read_offset):
            handed.append(offset)
            read_offset = offset
        elif verdict is Verdict.REWIND:
            read_offset = guard.rewind_to(tp)
            guard.sought(tp, read_offset)
    return handed


def test_records_that_follow_on_are_delivered() -> None:
    guard = JumpGuard()
    assert feed(guard, P0, [10, 11, 12, 13], read_offset=9) == [10, 11, 12, 13]
    assert feed(guard, P1, [0, 1, 2], read_offset=None) == [0, 1, 2]


def test_a_stale_batch_far_ahead_of_a_seek_is_read_again_not_skipped() -> None:
    """Seeked to the committed offset 10 while records 40.. fetched before were still being
    handed out: 10..39 must not be booked as done, they must be read."""
    guard = JumpGuard()
    guard.sought(P0, 10)
    stale = [40, 41, 42]
    reread = list(range(10, 45))
    assert feed(guard, P0, stale + reread, read_offset=10) == reread


def test_a_stale_record_just_after_the_seek_offset_does_not_hide_the_one_at_it() -> None:
    """The stall: stale 299 right after a seek to 298 was handed out, so 298 came again below
    the read offset, was dropped, never acked, and held the commit at 298 for good."""
    guard = JumpGuard()
    guard.sought(P0, 298)
    stale = [299, 300, 301]
    reread = list(range(298, 305))
    assert feed(guard, P0, stale + reread, read_offset=298) == reread


def test_records_below_the_seek_offset_are_dropped() -> None:
    guard = JumpGuard()
    guard.sought(P0, 50)
    assert guard.verdict(P0, 48, 50) is Verdict.DROP
    assert guard.verdict(P0, 50, 50) is Verdict.DELIVER


def test_a_jump_that_comes_back_the_same_is_a_real_hole_and_delivered() -> None:
    guard = JumpGuard()
    guard.sought(P0, 5)
    # the log really has nothing between 5 and 20 (compaction, retention): read once more, then on
    assert feed(guard, P0, [20, 21, 20, 21, 22], read_offset=5) == [20, 21, 22]


def test_a_jump_without_a_seek_is_read_again_from_the_next_offset() -> None:
    guard = JumpGuard()
    assert feed(guard, P0, [5, 6, 30, 31, 7, 8], read_offset=4) == [5, 6, 7, 8]


def test_a_new_seek_to_another_offset_starts_afresh() -> None:
    guard = JumpGuard()
    guard.sought(P0, 10)
    assert guard.verdict(P0, 40, 10) is Verdict.REWIND
    assert guard.verdict(P0, 41, 10) is Verdict.DROP
    guard.sought(P0, 30)  # a rebalance sought it elsewhere
    assert guard.verdict(P0, 30, 30) is Verdict.DELIVER


def test_partitions_are_judged_apart() -> None:
    guard = JumpGuard()
    guard.sought(P0, 10)
    assert guard.verdict(P0, 50, 10) is Verdict.REWIND
    assert guard.verdict(P1, 11, 10) is Verdict.DELIVER
    assert guard.verdict(P0, 51, 10) is Verdict.DROP


def test_a_revoked_partition_is_forgotten() -> None:
    guard = JumpGuard()
    guard.sought(P0, 10)
    assert guard.verdict(P0, 50, 10) is Verdict.REWIND
    guard.forget([P0])
    # back on this worker later with no seek yet: judged against the read offset alone
    assert guard.verdict(P0, 11, 10) is Verdict.DELIVER


def test_a_stale_jump_seen_before_a_completed_reread_is_not_taken_for_a_hole_later() -> None:
    """A rewind's jump is only evidence of a hole until the re-read brings the record at the
    seek offset. A restarted notifier was sought to 4 twice (assignment, then a rebalance);
    both times a stale 6 came first. Taking the second for a hole hands out 6, Faust books
    5 as a gap, and a replayed decision at 5 is lost (seen in a CI-like run)."""
    guard = JumpGuard()
    guard.sought(P0, 4)
    assert feed(guard, P0, [6, 7, 4, 5, 6, 7], read_offset=4) == [4, 5, 6, 7]
    guard.sought(P0, 4)  # sought back to the committed offset again

    assert guard.verdict(P0, 6, 4) is Verdict.REWIND
    assert feed(guard, P0, [4, 5, 6], read_offset=4) == [4, 5, 6]
