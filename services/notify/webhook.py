"""HTTP push: one POST per call, HMAC signature and the request headers every target gets.

Retrying, back-off, circuit breaking and rate limiting are the deliverer's job
(`deliverer.py`); this module only says how one attempt goes over the wire.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Attempt:
    number: int
    ok: bool
    status_code: int | None
    error: str | None
    retryable: bool = True


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers_for(body: bytes, idempotency_key: str, secret: str | None) -> dict[str, str]:
    """Receivers dedupe on `Idempotency-Key`: a copy re-sent after a crash carries the same one."""
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": idempotency_key,
        "User-Agent": "webcare-notify/1",
    }
    if secret:
        headers["X-Webcare-Signature"] = signature(secret, body)
    return headers


async def post_once(
    client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str], number: int
) -> Attempt:
    """One POST; 2xx is success, 4xx other than 408/429 will not get better by retrying."""
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as err:
        return Attempt(number, False, None, f"{type(err).__name__}: {err}"[:500])
    status = response.status_code
    if 200 <= status < 300:
        return Attempt(number, True, status, None)
    retryable = not (400 <= status < 500 and status not in (408, 429))
    return Attempt(number, False, status, response.text[:500] or f"HTTP {status}", retryable)
