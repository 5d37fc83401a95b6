"""JSON webhooks: HMAC-signed POSTs with bounded retries and back-off."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import random
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Attempt:
    number: int
    ok: bool
    status_code: int | None
    error: str | None


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookSender:
    """Posts one body until the target answers 2xx or the attempts are used up."""

    def __init__(self, client: httpx.AsyncClient, attempts: int, retry_base_s: float) -> None:
        self.client = client
        self.attempts = attempts
        self.retry_base_s = retry_base_s

    async def post(
        self, url: str, body: bytes, idempotency_key: str, secret: str | None
    ) -> list[Attempt]:
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": idempotency_key,
            "User-Agent": "webcare-notify/1",
        }
        if secret:
            headers["X-Webcare-Signature"] = signature(secret, body)
        attempts: list[Attempt] = []
        for number in range(1, self.attempts + 1):
            attempt = await self._once(url, body, headers, number)
            attempts.append(attempt)
            if attempt.ok or (
                attempt.status_code is not None
                and 400 <= attempt.status_code < 500
                and attempt.status_code not in (408, 429)
            ):
                break
            if number < self.attempts:
                delay = self.retry_base_s * 2 ** (number - 1)
                await asyncio.sleep(delay + random.uniform(0, delay / 2))
        return attempts

    async def _once(self, url: str, body: bytes, headers: dict[str, str], number: int) -> Attempt:
        try:
            response = await self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError as err:
            return Attempt(number, False, None, f"{type(err).__name__}: {err}"[:500])
        ok = 200 <= response.status_code < 300
        return Attempt(number, ok, response.status_code, None if ok else response.text[:500])
