"""Who may post a mention under a source: timestamped HMAC signatures, per source.

A bridge configured under `sources.webhooks` signs each request with
`X-Webcare-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
(the header name is per source). A signature is good for `tolerance_s` either
side of its timestamp and only once: a captured request cannot be sent again,
now or later. During a secret rotation a source has two secrets and either
signs. A source with `unsigned: true` is taken without a signature (a warning at
start says so); any other source, configured or not, is refused. The old
body-only `sha256=<hex>` signature is refused: it could be replayed for ever.
Pure: the caller passes `now`; the environment is read once, at start.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from services.common.organisation_sources import WebhookSource

VERSION = "v1"
DEFAULT_HEADER = "X-Webcare-Signature"


def sign(secret: bytes, body: bytes, timestamp: int) -> str:
    """The header value a bridge sends: `t=<timestamp>,v1=<hex>`."""
    return f"t={timestamp},{VERSION}={_digest(secret, body, timestamp).hex()}"


def _digest(secret: bytes, body: bytes, timestamp: int) -> bytes:
    return hmac.new(secret, b"%d." % timestamp + body, hashlib.sha256).digest()


@dataclass(frozen=True)
class SourceKeys:
    """How one source proves itself: its header and secrets (current first); none = unsigned."""

    header: str = DEFAULT_HEADER
    secrets: tuple[bytes, ...] = ()

    @property
    def unsigned(self) -> bool:
        return not self.secrets


class Seen(Enum):
    NEW = "new"
    AGAIN = "again"
    FULL = "full"


class SeenSignatures:
    """Signatures used within the tolerance window: each expires when its timestamp would.

    Bounded: only signatures that verified are remembered, so only a secret's holder
    can fill it; when it is full of live ones, a new signed request is turned away
    (503) rather than forgetting one that could then be replayed.
    """

    def __init__(self, capacity: int = 100_000) -> None:
        self.capacity = capacity
        self._expiry: dict[bytes, float] = {}
        self._heap: list[tuple[float, bytes]] = []

    def __len__(self) -> int:
        return len(self._expiry)

    def add(self, key: bytes, expires: float, now: float) -> Seen:
        self._expire(now)
        if key in self._expiry:
            return Seen.AGAIN
        if len(self._expiry) >= self.capacity:
            return Seen.FULL
        self._expiry[key] = expires
        heapq.heappush(self._heap, (expires, key))
        return Seen.NEW

    def forget(self, key: bytes) -> None:
        """Undoes `add` for a request that was not accepted after all (Kafka away: a 503)."""
        self._expiry.pop(key, None)

    def _expire(self, now: float) -> None:
        while self._heap and self._heap[0][0] < now:
            expires, key = heapq.heappop(self._heap)
            if self._expiry.get(key) == expires:
                del self._expiry[key]


@dataclass
class Verdict:
    """What `WebhookAuth.check` found: problems (401), a full replay memory (503), or neither."""

    problems: list[str] = field(default_factory=list)
    full: bool = False
    used: list[bytes] = field(default_factory=list)


@dataclass
class WebhookAuth:
    """The sources the webhook accepts, how each signs, and the signatures already used."""

    sources: Mapping[str, SourceKeys] = field(default_factory=dict)
    tolerance_s: float = 300.0
    seen: SeenSignatures = field(default_factory=SeenSignatures)

    def unsigned_sources(self) -> list[str]:
        return sorted(name for name, keys in self.sources.items() if keys.unsigned)

    def check(
        self, body: bytes, headers: Mapping[str, str], sources: Iterable[str], now: float
    ) -> Verdict:
        """May `body` be taken as coming from each of its `sources`? Marks its signatures used."""
        verdict = Verdict()
        matched: list[tuple[bytes, float]] = []
        for source in sorted(set(sources)):
            keys = self.sources.get(source)
            if keys is None:
                verdict.problems.append(
                    f"{source}: not a webhook source of this organisation"
                    " (sources.webhooks in its config)"
                )
                continue
            if keys.unsigned:
                continue
            given = headers.get(keys.header.lower()) or headers.get(keys.header) or ""
            problem, used = self._verify(body, given.strip(), keys, now)
            if problem:
                verdict.problems.append(f"{source}: {keys.header} {problem}")
            elif used is not None:
                matched.append((source.encode() + b"\0" + used[0], used[1]))
        if verdict.problems:
            return verdict
        for key, expires in matched:
            seen = self.seen.add(key, expires, now)
            if seen is Seen.NEW:
                verdict.used.append(key)
                continue
            for done in verdict.used:
                self.seen.forget(done)
            verdict.used = []
            if seen is Seen.FULL:
                verdict.full = True
            else:
                source = key.split(b"\0", 1)[0].decode()
                verdict.problems.append(
                    f"{source}: signature already used (a replay); sign every request afresh"
                )
            break
        return verdict

    def release(self, verdict: Verdict) -> None:
        """The request was not accepted (503): its signatures may be sent once more."""
        for key in verdict.used:
            self.seen.forget(key)

    def _verify(
        self, body: bytes, given: str, keys: SourceKeys, now: float
    ) -> tuple[str, tuple[bytes, float] | None]:
        if not given:
            return "missing", None
        if given.startswith("sha256="):
            return (
                "is a body-only signature (sha256=...), no longer accepted:"
                ' send t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">'
            ), None
        parsed = _parse(given)
        if parsed is None:
            return 'malformed: expected t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', None
        timestamp, candidates = parsed
        if abs(now - timestamp) > self.tolerance_s:
            return (
                f"timestamp t={timestamp} is {abs(now - timestamp):.0f} s from now;"
                f" at most {self.tolerance_s:.0f} s is accepted"
            ), None
        for secret in keys.secrets:
            wanted = _digest(secret, body, timestamp)
            for candidate in candidates:
                if hmac.compare_digest(candidate, wanted):
                    return "", (wanted, timestamp + self.tolerance_s)
        return "does not match the body", None


def _parse(value: str) -> tuple[int, list[bytes]] | None:
    """`t=<int>,v1=<hex>[,v1=<hex>...]`; other schemes are left out for later versions."""
    timestamp: int | None = None
    candidates: list[bytes] = []
    for part in value.split(","):
        name, _, item = part.strip().partition("=")
        if name == "t" and item.isdigit() and len(item) <= 12:
            timestamp = int(item)
        elif name == VERSION and len(item) == 64:
            try:
                candidates.append(bytes.fromhex(item))
            except ValueError:
                return None
    if timestamp is None or not candidates or len(candidates) > 8:
        return None
    return timestamp, candidates


class MissingSecret(ValueError):
    """A configured webhook source names an environment variable that is not set."""


def load_auth(
    webhooks: Iterable[WebhookSource],
    environ: Mapping[str, str] = os.environ,
    tolerance_s: float = 300.0,
    capacity: int = 100_000,
) -> WebhookAuth:
    """Keys by source, read once at start; a missing secret stops the service with its name."""
    sources = {}
    for hook in webhooks:
        secrets = []
        for name, env in (
            ("secret_env", hook.secret_env),
            ("previous_secret_env", hook.previous_secret_env),
        ):
            if env is None:
                continue
            value = environ.get(env)
            if not value:
                raise MissingSecret(f"sources.webhooks[{hook.source}].{name}: {env} is not set")
            secrets.append(value.encode())
        sources[hook.source] = SourceKeys(hook.header, tuple(secrets))
    return WebhookAuth(sources, tolerance_s, SeenSignatures(capacity))
