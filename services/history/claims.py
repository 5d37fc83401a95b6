"""A mention's working state (open, claimed, resolved; human tags) folded from its events.

The projection stores the result on the mention row; the API uses it to
refuse a colliding claim. A claim is a short "I am answering this now": it
expires after a TTL, and a second claim by someone else while the first is
live is ignored, so the first claim in the topic wins on every replica and
every replay. Pure functions; time comes in as arguments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from schemas import ConversationEventKind as Kind


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


def claim_live(state: MentionState, now: datetime, ttl: timedelta) -> bool:
    return (
        state.status == "claimed" and state.claimed_at is not None and state.claimed_at + ttl > now
    )


def apply(state: MentionState, event: EventFacts, ttl: timedelta) -> MentionState:
    """The state after one event, in topic order."""
    if event.kind is Kind.CLAIMED:
        if claim_live(state, event.at, ttl) and state.claimed_by != event.actor:
            return state  # collides with a live claim: the earlier one stands
        return replace(
            state,
            status="claimed",
            claimed_by=event.actor,
            claimed_department=event.department,
            claimed_at=event.at,
            claim_event_id=event.event_id,
        )
    if event.kind is Kind.RELEASED:
        if state.status == "claimed" and state.claimed_by == event.actor:
            return replace(
                state,
                status="open",
                claimed_by=None,
                claimed_department=None,
                claimed_at=None,
                claim_event_id=None,
            )
        return state
    if event.kind is Kind.RESOLVED:
        return replace(
            state,
            status="resolved",
            resolved_at=event.at,
            claimed_by=None,
            claimed_department=None,
            claimed_at=None,
            claim_event_id=None,
        )
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
    if state_status == "claimed" and (claimed_at is None or claimed_at + ttl <= now):
        return "open"
    return state_status
