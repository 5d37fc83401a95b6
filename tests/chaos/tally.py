"""Reads the routing decisions and every department topic as they grow, and keeps count.

One group-less consumer (it commits nothing) follows the topics from offset
zero; `poll()` reads what arrived since the last call, so waiting on "every
mention delivered" costs one pass over the data, not one per check.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from kafka import KafkaConsumer, TopicPartition


@dataclass
class Tally:
    bootstrap: str
    routed_topic: str
    department_topics: dict[str, str]  # slug -> topic
    expected: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    delivered: Counter[tuple[str, str]] = field(default_factory=Counter)
    decided: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.consumer = KafkaConsumer(
            bootstrap_servers=self.bootstrap,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )
        partitions = [
            TopicPartition(topic, p)
            for topic in [self.routed_topic, *self.department_topics.values()]
            for p in self.consumer.partitions_for_topic(topic) or []
        ]
        self.consumer.assign(partitions)
        self.consumer.seek_to_beginning()

    def poll(self) -> None:
        """Reads until a poll comes back empty."""
        while True:
            batches = self.consumer.poll(timeout_ms=500, max_records=5000)
            if not batches:
                return
            for records in batches.values():
                for record in records:
                    self._count(record.topic, record.value)

    def _count(self, topic: str, value: bytes) -> None:
        body = json.loads(value)
        if body.get("kind", "mention") != "mention":
            return  # SLA, crisis and hint notices are route's later words, not the mention
        if topic == self.routed_topic:
            mention_id = body["classified"]["mention"]["id"]
            self.decided.add(mention_id)
            # A replayed decision may name more departments: notify delivers to each once.
            self.expected[mention_id] |= {d["department"] for d in body["departments"]}
        else:
            self.delivered[(body["department"], body["mention"]["id"])] += 1

    def missing(self, mention_ids: list[str]) -> list[tuple[str, str]]:
        """(department, mention) pairs a decision asks for and no department topic has yet."""
        return [
            (slug, mention_id)
            for mention_id in mention_ids
            for slug in sorted(self.expected.get(mention_id, ()))
            if not self.delivered[(slug, mention_id)]
        ]

    def duplicates(self) -> dict[tuple[str, str], int]:
        return {pair: count for pair, count in self.delivered.items() if count > 1}

    def unexpected(self) -> list[tuple[str, str]]:
        return [
            (slug, mention_id)
            for slug, mention_id in self.delivered
            if slug not in self.expected.get(mention_id, ())
        ]

    def close(self) -> None:
        self.consumer.close()
