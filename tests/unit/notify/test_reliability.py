"""Back-off, circuit breaker and token bucket, driven by a table of times instead of sleeps."""

import random

import pytest

from services.notify.reliability import CircuitBreaker, TokenBucket, backoff_delay


@pytest.mark.parametrize(
    ("attempt", "base", "cap", "low", "high"),
    [
        (1, 0.5, 30, 0.25, 0.5),
        (2, 0.5, 30, 0.5, 1.0),
        (3, 0.5, 30, 1.0, 2.0),
        (10, 0.5, 30, 15.0, 30.0),  # capped
        (1, 0.0, 30, 0.0, 0.0),
    ],
)
def test_backoff_grows_exponentially_with_jitter_and_a_cap(
    attempt: int, base: float, cap: float, low: float, high: float
) -> None:
    rng = random.Random(7)
    delays = [backoff_delay(attempt, base, cap, rng) for _ in range(200)]
    assert all(low <= d <= high for d in delays)
    if high > low:
        assert len(set(delays)) > 100  # jittered, not one fixed value


def test_breaker_opens_after_threshold_and_half_opens_after_cooldown() -> None:
    breaker = CircuitBreaker(threshold=3, cooldown_s=10)
    steps = [
        # (now, action, expected state after, allow expected before action)
        (0.0, "fail", "closed"),
        (1.0, "fail", "closed"),
        (2.0, "fail", "open"),
    ]
    for now, action, state in steps:
        assert breaker.allow(now)
        if action == "fail":
            breaker.failure(now)
        assert breaker.state(now) == state
    assert not breaker.allow(5.0)
    assert breaker.state(12.0) == "half_open"
    assert breaker.allow(12.0)  # one trial
    assert not breaker.allow(12.1)  # and only one
    breaker.failure(12.5)  # the trial failed: open again, for a full cool-down
    assert breaker.state(20.0) == "open"
    assert breaker.allow(23.0)
    breaker.success()
    assert breaker.state(23.0) == "closed"
    assert breaker.allow(23.0)


def test_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker(threshold=2, cooldown_s=10)
    breaker.failure(0)
    breaker.success()
    breaker.failure(1)
    assert breaker.state(1) == "closed"


@pytest.mark.parametrize(
    ("rate", "burst", "times", "waits"),
    [
        (1.0, 1, [0.0, 0.0], [0.0, 1.0]),
        (2.0, 2, [0.0, 0.0, 0.0], [0.0, 0.0, 0.5]),
        (1.0, 1, [0.0, 1.0, 2.0], [0.0, 0.0, 0.0]),
        (10.0, 1, [0.0, 0.05], [0.0, 0.05]),
    ],
)
def test_token_bucket_says_how_long_to_wait(
    rate: float, burst: int, times: list[float], waits: list[float]
) -> None:
    bucket = TokenBucket(rate, burst)
    got = [round(bucket.wait_time(now), 6) for now in times]
    assert got == waits
