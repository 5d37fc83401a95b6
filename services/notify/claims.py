"""Who holds a mention's claim, as far as notify has heard: for the "claimed by" line of a push.

Pure: folds conversation events into the Faust table `claims`, which maps a
relationship to {mention id: the claim}, by the one claim rule
(`services.common.claim_rule`), the same fold history and route make. The
line shows the claim that holds when the push is made (`claimed_by`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from schemas import ConversationEvent
from services.common import claim_rule
from services.common.claim_rule import Claim, ClaimFacts

State = dict[str, dict[str, Any]]  # mention id -> the claim, as the table holds it (JSON)


def _claim(stored: Any) -> Claim | None:
    # A plain name is what notify stored before the claim rule: no time, so no live claim.
    if not isinstance(stored, dict):
        return None
    return Claim(
        stored["actor"],
        stored.get("department"),
        datetime.fromisoformat(stored["at"]),
        stored.get("event_id"),
    )


def _stored(claim: Claim) -> dict[str, Any]:
    return {
        "actor": claim.actor,
        "department": claim.department,
        "at": claim.at.isoformat(),
        "event_id": claim.event_id,
    }


def applied(state: State | None, event: ConversationEvent, ttl: timedelta) -> State | None:
    """The claims of a relationship after `event`; None when nothing is claimed any more."""
    if event.mention_id is None:
        return state
    before = _claim((state or {}).get(event.mention_id))
    facts = ClaimFacts(event.kind, event.actor, event.at, event.department, event.event_id)
    after, _ = claim_rule.apply(before, facts, ttl)
    if after == before:
        return state
    claims = dict(state or {})
    if after is None:
        claims.pop(event.mention_id, None)
    else:
        claims[event.mention_id] = _stored(after)
    return claims or None


def claimed_by(state: State | None, mention_id: str, now: datetime, ttl: timedelta) -> str | None:
    """Who holds the mention's claim at `now` (a lapsed claim holds nothing)."""
    holder = claim_rule.holder_at(_claim((state or {}).get(mention_id)), now, ttl)
    return holder.actor if holder else None
