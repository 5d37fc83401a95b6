"""JumpGuard: a stale record ahead of the read offset makes the partition be read again."""

from __future__ import annotations

from faust.types import TP

from services.common.faust_consumer import JumpGuard, Verdict

P0 = TP("webcare.mentions.classified", 0)
P1 = TP("webcare.mentions.classified", 1)


def verdicts(guard: JumpGuard, tp: TP, offsets: list[int], read_offset: int | None) -> list[str]:
    """Feeds offsets the way Faust's drain loop does: a delivered record becomes the read offset,
    a rewind puts the read offset back where it was (what `Consumer.seek` does)."""
    said = []
    for offset in offsets:
        verdict = guard.verdict(tp, offset, read_offset)
        said.append(verdict.value)
        if verdict is Verdict.DELIVER:
            read_offset = offset
    return said


def test_records_that_follow_on_are_delivered() -> None:
    guard = JumpGuard()
    assert verdicts(guard, P0, [10, 11, 12, 13], read_offset=10) == ["deliver"] * 4
    assert verdicts(guard, P0, [0, 1, 2], read_offset=None) == ["deliver"] * 3


def test_a_stale_batch_after_a_seek_back_is_read_again_not_skipped() -> None:
    """Faust seeked to the committed offset 10 while records 40.. fetched before were still
    being handed out: the seek's read-again must win, 10..39 must not be booked as done."""
    guard = JumpGuard()
    assert verdicts(guard, P0, [40, 41, 42], read_offset=10) == ["rewind", "drop", "drop"]
    # the re-read from the read offset arrives: everything in order, nothing skipped
    reread = list(range(10, 45))
    assert verdicts(guard, P0, reread, read_offset=10) == ["deliver"] * len(reread)


def test_a_jump_that_comes_back_the_same_is_a_real_hole_and_delivered() -> None:
    guard = JumpGuard()
    assert verdicts(guard, P0, [20], read_offset=5) == ["rewind"]
    # read again from 5: the log really has nothing between 5 and 20 (compaction, retention)
    assert verdicts(guard, P0, [5, 20, 21], read_offset=5) == ["deliver"] * 3


def test_a_different_jump_later_is_rewound_again() -> None:
    guard = JumpGuard()
    assert verdicts(guard, P0, [20], read_offset=5) == ["rewind"]
    assert verdicts(guard, P0, [5, 6, 30], read_offset=5) == ["deliver", "deliver", "rewind"]


def test_partitions_are_judged_apart() -> None:
    guard = JumpGuard()
    assert guard.verdict(P0, 50, 10) is Verdict.REWIND
    assert guard.verdict(P1, 11, 10) is Verdict.DELIVER
    assert guard.verdict(P0, 51, 10) is Verdict.DROP


def test_a_revoked_partition_is_forgotten() -> None:
    guard = JumpGuard()
    assert guard.verdict(P0, 50, 10) is Verdict.REWIND
    guard.forget([P0])
    # back on this worker later: the same jump is stale again, not a remembered hole
    assert guard.verdict(P0, 50, 10) is Verdict.REWIND
