"""The one claim rule: who holds a mention, folded from its conversation events in topic order.

A claim says "I am answering this now". The first claim wins and holds until
its holder releases it, a reply is recorded on the mention, the mention is
resolved, or it expires at `claimed_at + ttl`. A claim by someone else while
the claim is live is refused (nothing changes; the outcome names the holder);
a claim by the holder renews it; a claim after expiry takes over.

Liveness at an event is judged at the event's own `at`, never at a clock, so
every service that folds the topic in order (history's projection and API,
route, notify) reaches the same holder on every replica and every replay.
Pure: no Kafka, no Faust, no database; time comes in as arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from schemas import ConversationEventKind as Kind

DEFAULT_TTL = timedelta(minutes=30)  # WEBCARE_CLAIM_TTL_S's default

OutcomeKind = Literal["taken", "renewed", "refused", "released", "ended", "unchanged"]

# A reply recorded or a resolution ends the claim, whoever records it.
_ENDS_CLAIM = (Kind.REPLIED, Kind.RESOLVED)


@dataclass(frozen=True)
class ClaimFacts:
    """The parts of a conversation event the rule looks at."""

    kind: Kind
    actor: str
    at: datetime
    department: str | None = None
    event_id: str | None = None


@dataclass(frozen=True)
class Claim:
    """The claim that holds (or held: see `holder_at`) a mention."""

    actor: str
    department: str | None
    at: datetime
    event_id: str | None = None

    def expires_at(self, ttl: timedelta) -> datetime:
        return self.at + ttl


@dataclass(frozen=True)
class Outcome:
    """What an event did: `holder` is the claim standing after it (for `refused`, the one
    that refused it)."""

    kind: OutcomeKind
    holder: Claim | None


def lapsed(claimed_at: datetime, now: datetime, ttl: timedelta) -> bool:
    """True when a claim made at `claimed_at` has expired by `now`; `claimed_at + ttl` itself
    is expired (the SQL of history's queues says `claimed_at <= now - ttl`)."""
    return now >= claimed_at + ttl


def live(claim: Claim | None, now: datetime, ttl: timedelta) -> bool:
    """True while the claim holds at `now` (unless released, replied to or resolved)."""
    return claim is not None and not lapsed(claim.at, now, ttl)


def holder_at(claim: Claim | None, now: datetime, ttl: timedelta) -> Claim | None:
    """The claim that holds at `now`, or None: what every service shows as "claimed by"."""
    return claim if live(claim, now, ttl) else None


def apply(claim: Claim | None, event: ClaimFacts, ttl: timedelta) -> tuple[Claim | None, Outcome]:
    """The claim after one event of the mention, in topic order, and what the event did."""
    if event.kind is Kind.CLAIMED:
        standing = holder_at(claim, event.at, ttl)
        if standing is not None and standing.actor != event.actor:
            return claim, Outcome("refused", standing)
        taken = Claim(event.actor, event.department, event.at, event.event_id)
        return taken, Outcome("renewed" if standing is not None else "taken", taken)
    if event.kind is Kind.RELEASED:
        if claim is not None and claim.actor == event.actor:
            return None, Outcome("released", None)
        return claim, Outcome("unchanged", claim)
    if event.kind in _ENDS_CLAIM and claim is not None:
        return None, Outcome("ended", None)
    return claim, Outcome("unchanged", claim)


def decide(claim: Claim | None, actor: str, now: datetime, ttl: timedelta) -> Outcome:
    """What a claim by `actor` at `now` would do: the API answers 409 when it is refused."""
    return apply(claim, ClaimFacts(kind=Kind.CLAIMED, actor=actor, at=now), ttl)[1]
