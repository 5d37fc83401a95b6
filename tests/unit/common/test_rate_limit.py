"""Token buckets: burst, refill, Retry-After, keys kept apart, memory bounded."""

from __future__ import annotations

import pytest

from services.common.rate_limit import TokenBuckets, retry_after_header


def test_a_burst_then_the_rate() -> None:
    buckets = TokenBuckets(rate=2.0, burst=3.0)
    assert [buckets.take("a", 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a", 0.0) == pytest.approx(0.5)
    assert buckets.take("a", 0.5) == 0.0  # one token back after half a second
    assert buckets.take("a", 0.5) == pytest.approx(0.5)
    assert buckets.take("a", 100.0) == 0.0  # refilled, but never past the burst
    assert [buckets.take("a", 100.0) for _ in range(3)][-1] > 0


def test_keys_are_apart_and_zero_is_off() -> None:
    buckets = TokenBuckets(rate=1.0, burst=1.0)
    assert buckets.take("a", 0.0) == 0.0
    assert buckets.take("a", 0.0) > 0
    assert buckets.take("b", 0.0) == 0.0
    off = TokenBuckets(rate=0.0, burst=0.0)
    assert not off.enabled
    assert all(off.take("a", 0.0) == 0.0 for _ in range(1000))
    assert len(off) == 0


def test_memory_is_bounded_without_freeing_a_limited_key() -> None:
    buckets = TokenBuckets(rate=1.0, burst=2.0, max_keys=3)
    for key in "abc":
        buckets.take(key, 0.0)
        buckets.take(key, 0.0)  # each drained
    # full of draining keys: a new one waits instead of pushing a limited one out
    assert buckets.take("d", 0.0) > 0
    assert len(buckets) == 3
    assert buckets.take("a", 0.0) > 0
    # once they have refilled they are forgotten and room is made
    assert buckets.take("d", 10.0) == 0.0
    assert len(buckets) == 1


def test_a_clock_going_back_gives_no_tokens() -> None:
    buckets = TokenBuckets(rate=1.0, burst=1.0)
    buckets.take("a", 10.0)
    assert buckets.take("a", 5.0) > 0


@pytest.mark.parametrize(("wait", "header"), [(0.01, "1"), (1.0, "1"), (1.2, "2"), (30, "30")])
def test_retry_after_is_whole_seconds_rounded_up(wait: float, header: str) -> None:
    assert retry_after_header(wait) == header
