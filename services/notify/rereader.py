"""Reads a range of the routed topic again, and the notifier group's committed offsets.

Used only when `gaps.py` found records the Faust stream skipped. A consumer
that joins no group and commits nothing reads exactly [start, end) of one
partition; committed offsets come from the admin API (read-only: asking with
a consumer in the notifier's group could make the group rebalance).
"""

from __future__ import annotations

import asyncio
import logging
import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from services.common.kafka import bootstrap_servers

ASSIGNMENT_POLLS = 10_000
log = logging.getLogger(__name__)
Record = tuple[int, bytes, bytes | None]  # offset, value, key


class RereadFailed(Exception):
    """The skipped range could not be read in time; the decision is retried by a redelivery."""


class Rereader:
    def __init__(self, bootstrap: str, topic: str, group: str, timeout_s: float = 30.0) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.group = group
        self.timeout_s = timeout_s

    async def committed(self, partition: int) -> int | None:
        """The group's committed offset of a partition (None: nothing committed yet, or the
        broker did not say: then the check starts at the first record handled)."""
        try:
            return await asyncio.to_thread(self._committed, partition)
        except (KafkaError, OSError) as err:
            log.warning(
                "committed offset unavailable", extra={"partition": partition, "error": repr(err)}
            )
            return None

    def _committed(self, partition: int) -> int | None:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap_servers(self.bootstrap),
            client_id=f"{self.group}-rereader",
            request_timeout_ms=int(self.timeout_s * 1000),
        )
        try:
            offsets = admin.list_group_offsets(self.group).get(self.group, {})
        finally:
            admin.close()
        for tp, meta in offsets.items():
            if tp.topic == self.topic and tp.partition == partition:
                return int(meta.offset) if meta.offset >= 0 else None
        return None

    async def read(self, partition: int, start: int, end: int) -> list[Record]:
        """(offset, value, key) of offsets [start, end) of one partition, in order."""
        consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=bootstrap_servers(self.bootstrap),
            group_id=None,
            enable_auto_commit=False,
        )
        wanted = TopicPartition(self.topic, partition)
        records: list[Record] = []
        try:
            async with asyncio.timeout(self.timeout_s):
                await consumer.start()
                # subscribed without a group: aiokafka assigns every partition once it has the
                # topic's metadata (assign() alone would leave it without it)
                for _ in range(ASSIGNMENT_POLLS):  # bounded, and so is the whole read
                    if wanted in consumer.assignment():
                        break
                    await asyncio.sleep(0.05)
                consumer.seek(wanted, start)
                deadline = time.monotonic() + self.timeout_s
                position = start
                while position < end and time.monotonic() < deadline:
                    batches = await consumer.getmany(wanted, timeout_ms=500)
                    for record in batches.get(wanted, []):
                        if start <= record.offset < end:
                            records.append((record.offset, record.value, record.key))
                        position = record.offset + 1
                if position < end:
                    raise RereadFailed(f"{self.topic}[{partition}] read to {position}, not {end}")
        except TimeoutError as err:
            raise RereadFailed(f"{self.topic}[{partition}]: not read in {self.timeout_s}s") from err
        finally:
            await consumer.stop()
        return records
