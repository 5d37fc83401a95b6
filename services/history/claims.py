"""A mention's working state (open, claimed, resolved; human tags) folded from its events.

The projection stores the result on the mention row; the API and the queries
judge it at their `now`. Who holds the claim is decided by the one claim rule
(`services.common.claim_rule`), the same fold route and notify make, so the
API's answer, route's notices and notify's "claimed by" line agree. Pure
functions; time comes in as arguments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from schemas import ConversationEventKind as Kind
from services.common import claim_rule
from services.common.claim_rule import Claim, ClaimFacts


@dataclass(frozen=True)
class EventFacts:
    """The parts of a conversation event that change a mention's state."""

    event_id: str
    kind: Kind
    actor: str
    department: str | None
    at: datetime
    topics: list[str] | None = None


@dataclass(frozen=True)
class MentionState:
    status: str = "open"  # open | claimed | resolved
    claimed_by: str | None = None
    claimed_department: str | None = None
    claimed_at: datetime | None = None
    resolved_at: datetime | None = None
    tags: list[str] | None = None
    claim_event_id: str | None = None

    @property
    def claim(self) -> Claim | None:
        if self.status != "claimed" or self.claimed_by is None or self.claimed_at is None:
            return None
        return Claim(self.claimed_by, self.claimed_department, self.claimed_at, self.claim_event_id)

    def with_claim(self, claim: Claim | None) -> MentionState:
        status = self.status if self.status == "resolved" else "open"
        return replace(
            self,
            status="claimed" if claim is not None else status,
            claimed_by=claim.actor if claim else None,
            claimed_department=claim.department if claim else None,
            claimed_at=claim.at if claim else None,
            claim_event_id=claim.event_id if claim else None,
        )


def apply(state: MentionState, event: EventFacts, ttl: timedelta) -> MentionState:
    """The state after one event, in order: the claim by the claim rule, then resolution and
    tags."""
    facts = ClaimFacts(event.kind, event.actor, event.at, event.department, event.event_id)
    claim, _ = claim_rule.apply(state.claim, facts, ttl)
    state = state.with_claim(claim)
    if event.kind is Kind.RESOLVED:
        return replace(state, status="resolved", resolved_at=event.at)
    if event.kind is Kind.RETAGGED and event.topics is not None:
        return replace(state, tags=list(event.topics))
    return state


def mention_state(events: Iterable[EventFacts], ttl: timedelta) -> MentionState:
    """Folds a mention's events, oldest first (ties broken by event id, as stored)."""
    state = MentionState()
    for event in sorted(events, key=lambda e: (e.at, e.event_id)):
        state = apply(state, event, ttl)
    return state


def effective_status(
    state_status: str, claimed_at: datetime | None, now: datetime, ttl: timedelta
) -> str:
    """An expired claim reads as open again."""
    if state_status == "claimed" and (
        claimed_at is None or claim_rule.lapsed(claimed_at, now, ttl)
    ):
        return "open"
    return state_status
