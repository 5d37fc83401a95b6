"""Retries, final refusals, the circuit breaker and the rate limit of one push target.

The transport is a scripted list of attempt results and time is a counter,
so nothing sleeps; the real HTTP and SMTP transports are tested in tests/service/notify.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from services.common.organisation_push import RateLimit
from services.notify.deliverer import CIRCUIT_OPEN, Deliverer
from services.notify.targets import Target
from services.notify.webhook import Attempt

TARGET = Target("webhook", "http://hook")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def deliverer(clock: Clock, attempts: int = 3, threshold: int = 5, rate: float = 1000) -> Deliverer:
    return Deliverer(
        attempts=attempts,
        base_s=1.0,
        cap_s=60,
        breaker_threshold=threshold,
        breaker_cooldown_s=30,
        rate_per_second=rate,
        rate_burst=1000,
        clock=clock,
        rng=random.Random(1),
        sleep=clock.sleep,
    )


def script(*results: tuple[bool, int | None, bool]):  # type: ignore[no-untyped-def]
    calls: list[int] = []

    async def once(number: int) -> Attempt:
        calls.append(number)
        ok, status, retryable = results[len(calls) - 1]
        return Attempt(number, ok, status, None if ok else "boom", retryable)

    return once, calls


OK = (True, 200, True)
FAIL = (False, 500, True)
FINAL = (False, 400, False)


@pytest.mark.parametrize(
    ("results", "calls", "ok"),
    [
        ([OK], [1], True),
        ([FAIL, OK], [1, 2], True),
        ([FAIL, FAIL, OK], [1, 2, 3], True),
        ([FAIL, FAIL, FAIL], [1, 2, 3], False),
        ([FINAL], [1], False),
        ([FAIL, FINAL], [1, 2], False),
    ],
)
def test_retries_are_bounded_and_stop_on_a_final_refusal(
    results: list[tuple[bool, int, bool]], calls: list[int], ok: bool
) -> None:
    clock = Clock()
    once, made = script(*results)
    outcome = asyncio.run(deliverer(clock).deliver(TARGET, once))
    assert made == calls
    assert outcome.ok is ok
    assert [a.number for a in outcome.attempts] == calls
    # one back-off between attempts, growing: [0.5, 1] then [1, 2]
    backoffs = clock.slept
    assert len(backoffs) == len(calls) - 1
    for n, delay in enumerate(backoffs, start=1):
        assert 2 ** (n - 1) / 2 <= delay <= 2 ** (n - 1)


def test_the_circuit_opens_and_later_lets_one_trial_through() -> None:
    clock = Clock()
    d = deliverer(clock, attempts=1, threshold=2)
    for _ in range(2):
        once, _ = script(FAIL)
        assert not asyncio.run(d.deliver(TARGET, once)).ok
    once, made = script(OK)
    refused = asyncio.run(d.deliver(TARGET, once))
    assert refused.circuit_open
    assert made == []
    assert refused.attempts[0].error == CIRCUIT_OPEN
    # another target is not affected
    once, made = script(OK)
    assert asyncio.run(d.deliver(Target("slack", "http://chat"), once)).ok
    clock.now += 31
    once, made = script(OK)
    assert asyncio.run(d.deliver(TARGET, once)).ok
    assert made == [1]


def test_rate_limit_spaces_out_calls_per_target() -> None:
    clock = Clock()
    d = deliverer(clock)
    limit = RateLimit(per_second=2, burst=1)
    for _ in range(5):
        once, _ = script(OK)
        asyncio.run(d.deliver(TARGET, once, limit))
    assert clock.now == pytest.approx(2.0)  # 5 calls at 2/s, first one free
