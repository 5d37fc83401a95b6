"""Notices when the stream of routing decisions skips offsets, so the skipped ones are read again.

Why: faust-streaming can lose records of the input topic across a restart.
After a crash the new worker recovers its tables, then seeks its stream
partitions back to the committed offsets while a batch fetched just before
is still being handed out. The read offset goes backwards, the next stale
record looks like a jump forward: Faust books the offsets in between as a
"gap" (acknowledged, as if compacted away) and drops them when they are
fetched again, because they are below the read offset. Seen in the crash
test: offsets 10-39 of every partition never reached the agent.

The routed topic is neither compacted nor transactional, so its offsets are
contiguous: any jump forward is such a loss. The agent handles one decision
at a time per process, so it can tell: it remembers the next offset it
expects per partition and, on a jump, the wiring reads the skipped range
itself (`rereader.py`) and handles it first, in order. Handling is
idempotent (the ledger), so a record that shows up again later is skipped.
Pure: no Kafka.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Gap:
    partition: int
    start: int  # first skipped offset
    end: int  # offset of the record that arrived instead (exclusive)

    @property
    def size(self) -> int:
        return self.end - self.start


@dataclass
class OffsetTracker:
    """The next offset expected per partition of the input topic, since this process started."""

    expected: dict[int, int] = field(default_factory=dict)

    def knows(self, partition: int) -> bool:
        return partition in self.expected

    def start_at(self, partition: int, offset: int) -> None:
        """Where this process starts reading a partition (its committed offset)."""
        self.expected.setdefault(partition, offset)

    def arrived(self, partition: int, offset: int) -> Gap | None:
        """Records a handled offset; the range skipped before it, if any.

        An offset below the expected one is a redelivery (handled again,
        idempotently) and never moves the expectation back.
        """
        expected = self.expected.get(partition)
        self.expected[partition] = max(offset + 1, expected or 0)
        if expected is not None and offset > expected:
            return Gap(partition, expected, offset)
        return None

    def unread(self, gap: Gap) -> None:
        """The skipped range could not be read: expect its start again, so the next record
        finds the gap again and the read is retried."""
        self.expected[gap.partition] = min(self.expected.get(gap.partition, gap.start), gap.start)

    def forget(self, partitions: set[int]) -> None:
        """Partitions handed to another worker: when they come back, they start afresh at the
        committed offset (else the other worker's progress would look like a gap)."""
        for partition in partitions:
            self.expected.pop(partition, None)
