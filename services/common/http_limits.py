"""Rate limits in front of an HTTP API: per client address and per API key, as ASGI middleware.

Wraps the paths under `prefix` (the history API's `/v1`): a request takes a
token from its address's bucket and, when it carries `Authorization: Bearer`,
from its key's bucket (`rate_limit.TokenBuckets`); an empty bucket answers
`429` with `Retry-After` before the app runs, so a flood costs no database
read or key check. The key's bucket is named by a hash of the whole token,
checked or not: nobody can drain a real key's bucket without holding the key,
and invented keys still pay at their address. The address is the one uvicorn
reports: behind a proxy, the proxy's unless it is in uvicorn's
`forwarded_allow_ips`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import Counter

from services.common.rate_limit import TokenBuckets, retry_after_header

RATE_LIMITED = Counter(
    "webcare_rate_limited_total",
    "Requests answered 429 (or 503) by a rate limit or a cap, per service and limit.",
    ["service", "limit"],
)

ASGIApp = Callable[..., Any]


def bearer_key(headers: list[tuple[bytes, bytes]]) -> str | None:
    """A stable name for the caller's API key: a hash of the bearer token, never the token."""
    for name, value in headers:
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            token = value[7:].strip()
            return hashlib.sha256(token).hexdigest()[:32] if token else None
    return None


class RateLimits:
    """ASGI middleware: per-address and per-key token buckets on the paths under `prefix`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        service: str,
        per_address: TokenBuckets,
        per_key: TokenBuckets,
        prefix: str = "/v1/",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.service = service
        self.per_address = per_address
        self.per_key = per_key
        self.prefix = prefix
        self.clock = clock

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        now = self.clock()
        client = scope.get("client")
        address = client[0] if client else "unknown"
        wait_s = self.per_address.take(address, now)
        limit = "address"
        if not wait_s:
            key = bearer_key(scope.get("headers", []))
            if key is not None:
                wait_s = self.per_key.take(key, now)
                limit = "key"
        if not wait_s:
            await self.app(scope, receive, send)
            return
        RATE_LIMITED.labels(service=self.service, limit=limit).inc()
        rate = self.per_address.rate if limit == "address" else self.per_key.rate
        body = json.dumps(
            {"error": "rate_limited", "problems": [f"over {rate:g} requests/s per {limit}"]}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", retry_after_header(wait_s).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
