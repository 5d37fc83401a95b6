"""Token buckets per key (an address, an API key, a source), in bounded memory.

Pure: time is passed in, so the HTTP servers, the dead-letter writer and the
tests share one rule. A bucket holds up to `burst` tokens and refills at
`rate` per second; a request takes one token or is told how long to wait.
Memory stays bounded by `max_keys`: a bucket that has refilled completely is
the same as no bucket and is forgotten; when every remembered key is still
draining and the map is full, a new key waits like an empty bucket would, so a
flood of fresh addresses cannot push out the limits of the ones already held.
In memory, per process: a replica's limits are its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """`rate` tokens a second per key, at most `burst` at once; rate 0 turns the limit off."""

    def __init__(self, rate: float, burst: float, max_keys: int = 100_000) -> None:
        if rate < 0 or burst < 0 or max_keys < 1:
            raise ValueError("rate and burst must be >= 0, max_keys >= 1")
        self.rate = rate
        self.burst = max(burst, 1.0) if rate else 0.0
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str, now: float, cost: float = 1.0) -> float:
        """Takes `cost` tokens for `key`: 0.0 when allowed, else the seconds to wait."""
        if not self.enabled:
            return 0.0
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._forget_full(now)
            if len(self._buckets) >= self.max_keys:
                return cost / self.rate
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        else:
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(self.burst, bucket.tokens + elapsed * self.rate)
            bucket.updated = max(bucket.updated, now)
        if bucket.tokens >= cost:
            bucket.tokens -= cost
            return 0.0
        return (cost - bucket.tokens) / self.rate

    def _forget_full(self, now: float) -> None:
        full = [
            key
            for key, bucket in self._buckets.items()
            if bucket.tokens + max(0.0, now - bucket.updated) * self.rate >= self.burst
        ]
        for key in full:
            del self._buckets[key]


def retry_after_header(wait_s: float) -> str:
    """`Retry-After` in whole seconds, at least 1 (HTTP has no fractions)."""
    return str(max(1, int(wait_s + 0.999)))
