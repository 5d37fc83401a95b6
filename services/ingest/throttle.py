"""Ingest's rate limits: requests per client address, and per webhook source once signed.

The address limit is checked before the body is read; the source limit after
the signature, so nobody can spend a bridge's allowance without its secret.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from services.common.http_limits import RATE_LIMITED
from services.common.rate_limit import TokenBuckets
from services.ingest.settings import IngestSettings


@dataclass
class Throttle:
    per_address: TokenBuckets
    per_source: TokenBuckets
    clock: Callable[[], float] = field(default=time.monotonic)

    @classmethod
    def of(cls, settings: IngestSettings) -> Throttle:
        return cls(
            TokenBuckets(settings.rate_per_address, settings.burst_per_address),
            TokenBuckets(settings.rate_per_source, settings.burst_per_source),
        )

    def address(self, address: str) -> float:
        """0.0 when the address may post now, else the seconds it should wait."""
        wait_s = self.per_address.take(address, self.clock())
        if wait_s:
            RATE_LIMITED.labels(service="ingest", limit="address").inc()
        return wait_s

    def sources(self, sources: Iterable[str]) -> float:
        """0.0 when every source in a request may post now, else the longest wait."""
        now = self.clock()
        wait_s = max((self.per_source.take(source, now) for source in sources), default=0.0)
        if wait_s:
            RATE_LIMITED.labels(service="ingest", limit="source").inc()
        return wait_s
