"""Answers "is this delivery already on the department topic?" after a crash left it in doubt.

Only called for an idempotency key whose in-flight marker survived without a
done marker: the notifier died between marking and confirming. The topic
itself is then the truth: its records since the marker are scanned for the
`delivery-id` header. Normal operation never scans.
"""

from __future__ import annotations

import asyncio
import logging
import time

from aiokafka import AIOKafkaConsumer

from services.common.kafka import bootstrap_servers

DELIVERY_ID_HEADER = "delivery-id"
log = logging.getLogger(__name__)


class AuditFailed(Exception):
    """The department topic could not be read to the end in time; the decision is retried later."""


class QueueAudit:
    def __init__(self, bootstrap: str, timeout_s: float = 30.0) -> None:
        self.bootstrap = bootstrap
        self.timeout_s = timeout_s

    async def contains(self, topic: str, delivery_id: str, since_ms: int) -> bool:
        # Subscribed without a group: aiokafka assigns every partition itself once it has the
        # topic's metadata (assign() alone would leave it without partition metadata).
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap_servers(self.bootstrap),
            enable_auto_commit=False,
            group_id=None,
            isolation_level="read_committed",
        )
        try:
            async with asyncio.timeout(self.timeout_s):
                await consumer.start()
                return await self._scan(consumer, topic, delivery_id.encode(), since_ms)
        except TimeoutError as err:
            raise AuditFailed(f"{topic}: not read to the end in {self.timeout_s}s") from err
        finally:
            await consumer.stop()

    async def _scan(
        self, consumer: AIOKafkaConsumer, topic: str, wanted: bytes, since_ms: int
    ) -> bool:
        for _ in range(10_000):  # bounded, and so is the whole audit by its timeout
            if consumer.assignment():
                break
            await asyncio.sleep(0.05)
        tps = sorted(consumer.assignment())
        ends = await consumer.end_offsets(tps)
        starts = await consumer.offsets_for_times(dict.fromkeys(tps, since_ms))
        remaining = set()
        for tp in tps:
            found = starts.get(tp)
            start = found.offset if found is not None else ends[tp]
            if start < ends[tp]:
                consumer.seek(tp, start)
                remaining.add(tp)
        deadline = time.monotonic() + self.timeout_s
        log.info(
            "auditing department topic",
            extra={
                "topic": topic,
                "since_ms": since_ms,
                "partitions_to_read": len(remaining),
            },
        )
        while remaining:
            if time.monotonic() > deadline:
                raise AuditFailed(f"{topic}: not read to the end in {self.timeout_s}s")
            batches = await consumer.getmany(*remaining, timeout_ms=500)
            for tp, records in batches.items():
                for record in records:
                    if (DELIVERY_ID_HEADER, wanted) in list(record.headers or ()):
                        return True
                    if record.offset + 1 >= ends[tp]:
                        remaining.discard(tp)
        return False
