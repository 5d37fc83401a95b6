"""Who has claimed a mention, as far as notify has heard: for the "claimed by" line of a push.

Pure: folds conversation events into the Faust table `claims`, which maps a
relationship to {mention id: who claimed it}. Expiry is the router's business;
here a claim lasts until it is released or the mention is resolved.
"""

from __future__ import annotations

from schemas import ConversationEvent, ConversationEventKind


def applied(state: dict[str, str] | None, event: ConversationEvent) -> dict[str, str] | None:
    """The claims of a relationship after `event`; None when nothing is claimed any more."""
    claims = dict(state or {})
    if event.mention_id is None:
        return state
    if event.kind == ConversationEventKind.CLAIMED:
        claims[event.mention_id] = event.actor
    elif event.kind in (ConversationEventKind.RELEASED, ConversationEventKind.RESOLVED):
        claims.pop(event.mention_id, None)
    else:
        return state
    return claims or None
