"""Refused bodies reach the dead-letter topic at a bounded rate, never making a request wait."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest
from prometheus_client import REGISTRY

from services.ingest.refusals import Refusal, RefusalLetters


class SlowPublisher:
    """A dead-letter writer like kafka-python's with the broker away: each call blocks."""

    def __init__(self, block_s: float) -> None:
        self.block_s = block_s
        self.written: list[bytes] = []
        self.release = threading.Event()

    def dead_letter(self, original: bytes, reason: str, detail: str, source: str) -> None:
        self.release.wait(self.block_s)
        self.written.append(original)


def dropped(reason: str) -> float:
    return (
        REGISTRY.get_sample_value("webcare_ingest_dead_letters_dropped_total", {"reason": reason})
        or 0.0
    )


def test_offers_never_wait_and_beyond_the_rate_are_counted_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    publisher = SlowPublisher(block_s=10.0)
    clock = [0.0]
    letters = RefusalLetters(
        publisher,  # type: ignore[arg-type]
        rate=1.0,
        burst=5.0,
        queue_size=100,
        report_every_s=60.0,
        clock=lambda: clock[0],
    )
    before = dropped("flood_probe")

    async def flood() -> tuple[list[bool], float]:
        async with letters.running():
            started = time.monotonic()
            offered = [
                letters.offer(Refusal(b"%d" % n, "flood_probe", "", "x")) for n in range(200)
            ]
            took = time.monotonic() - started
            clock[0] = 61.0
            letters.offer(Refusal(b"late", "flood_probe", "", "x"))
            publisher.release.set()
        return offered, took

    with caplog.at_level(logging.WARNING, logger="services.ingest.refusals"):
        offered, took = asyncio.run(flood())
    assert took < 0.5  # 200 refusals with the broker "away": no request waited on it
    assert offered.count(True) == 5  # the burst; the rest was over the rate
    assert dropped("flood_probe") == before + 195
    reports = [r for r in caplog.records if r.getMessage() == "refused bodies not dead-lettered"]
    assert len(reports) == 1
    assert reports[0].dropped == {"flood_probe": 195}  # type: ignore[attr-defined]
    assert publisher.written[:5] == [b"0", b"1", b"2", b"3", b"4"]


def test_a_full_queue_drops_too() -> None:
    publisher = SlowPublisher(block_s=10.0)
    letters = RefusalLetters(publisher, rate=0.0, burst=0.0, queue_size=3)  # type: ignore[arg-type]

    async def offer() -> list[bool]:
        return [letters.offer(Refusal(b"b", "queue_probe", "", "x")) for _ in range(10)]

    assert asyncio.run(offer()).count(True) == 3
