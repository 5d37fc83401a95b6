"""What every platform client offers publish, and how their failures are told apart."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Protocol, TypeVar

import httpx

from schemas import ReplyTarget

T = TypeVar("T")


class PublishError(Exception):
    """Base of publish's errors."""


class PlatformRefused(PublishError):
    """The platform said no for good (a 4xx other than 429): the reply fails at once."""

    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class PlatformUnavailable(PublishError):
    """429, 5xx, a timeout or a reset: worth trying again later."""

    def __init__(self, status: int | None, message: str, retry_after_s: float | None = None):
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Reply:
    """One reply to post: derived from a reply_requested event."""

    request_id: str
    text: str
    target: ReplyTarget
    direct: bool = False


@dataclass(frozen=True)
class Posted:
    post_id: str
    url: str | None


class Channel(Protocol):
    platform: str

    async def limit(self) -> int | None:
        """The platform's length limit for this account (None: no limit to check)."""

    async def find(self, reply: Reply) -> Posted | None:
        """The post of this reply if the platform already holds it."""

    async def post(self, reply: Reply) -> Posted:
        """Posts the reply; the same `reply` posted twice makes one post."""


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def check(response: httpx.Response) -> httpx.Response:
    """Raises the error the status means; returns the response when it is a success."""
    if response.is_success:
        return response
    message = _message(response)
    if response.status_code == 429 or response.status_code >= 500:
        raise PlatformUnavailable(response.status_code, message, retry_after(response))
    raise PlatformRefused(response.status_code, message)


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500]
    if isinstance(body, dict):
        parts = [str(body.get(k)) for k in ("error", "message") if body.get(k)]
        if parts:
            return ": ".join(parts)[:500]
    return response.text[:500]


async def call(request: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
    """One HTTP call, with transport failures (timeouts, resets) as PlatformUnavailable."""
    try:
        return await request()
    except httpx.TimeoutException as err:
        raise PlatformUnavailable(None, f"timeout: {type(err).__name__}") from err
    except httpx.TransportError as err:
        raise PlatformUnavailable(None, f"{type(err).__name__}: {err}") from err


async def with_retries(
    attempt: Callable[[], Awaitable[T]],
    *,
    attempts: int,
    base_s: float,
    cap_s: float,
    rng: random.Random | None = None,
) -> T:
    """Retries PlatformUnavailable with full-jitter back-off, honouring Retry-After; the last
    failure is raised as it is. PlatformRefused is never retried."""
    for n in range(1, attempts + 1):
        try:
            return await attempt()
        except PlatformUnavailable as err:
            if n == attempts:
                raise
            ceiling = min(cap_s, base_s * (2 ** (n - 1)))
            wait = (rng or random).uniform(0, ceiling)
            if err.retry_after_s is not None:
                wait = max(wait, min(err.retry_after_s, cap_s))
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")
