"""Reads a compacted topic from its start to its current end, without a consumer group.

`webcare classify export-corrections` uses it to collect people's corrections; nothing
is committed, so it can run any number of times beside the running services.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from kafka import KafkaConsumer, TopicPartition

from services.common.kafka import bootstrap_servers


class TopicUnavailable(RuntimeError):
    """The topic has no partitions on the broker (not created) or the broker is away."""


def read_to_end(
    bootstrap: str, topic: str, timeout_s: float = 60.0, ends_out: dict[int, int] | None = None
) -> Iterator[tuple[bytes | None, bytes | None]]:
    """(key, value) of every record now on `topic`, in offset order per partition.

    `ends_out` receives the end offset per partition it read to, for a follower to go on.
    """
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers(bootstrap),
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=1000,
    )
    try:
        found = consumer.partitions_for_topic(topic)
        if not found:
            raise TopicUnavailable(f"topic {topic} not found on {bootstrap}")
        partitions = [TopicPartition(topic, p) for p in sorted(found)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        if ends_out is not None:
            ends_out.update({tp.partition: offset for tp, offset in ends.items()})
        deadline = time.monotonic() + timeout_s
        for tp in partitions:
            while consumer.position(tp) < ends[tp]:  # records past the end may come too
                if time.monotonic() > deadline:
                    raise TopicUnavailable(f"{topic}: not read to its end in {timeout_s}s")
                batch = consumer.poll(timeout_ms=500, max_records=500)
                for records in batch.values():
                    for record in records:
                        yield record.key, record.value
    finally:
        consumer.close()
