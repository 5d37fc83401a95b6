"""Claims as notify tracks them, and which dead letters `webcare dlq replay` re-drives."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from schemas import ConversationEvent, ConversationEventKind, DeadLetter
from services.notify.claims import applied, claimed_by
from services.notify.dlq import select
from tests.unit.factories import NOW


def event(
    kind: ConversationEventKind,
    mention: str | None = "x:1",
    actor: str = "dewi",
    minutes: float = 0,
) -> ConversationEvent:
    return ConversationEvent(
        event_id=f"e-{kind}-{mention}-{actor}-{minutes}",
        kind=kind,
        relationship_id="rel-1",
        mention_id=mention,
        actor=actor,
        at=NOW + timedelta(minutes=minutes),
    )


K = ConversationEventKind
TTL = timedelta(minutes=30)


def fold(*events: ConversationEvent) -> dict[str, Any] | None:
    state = None
    for change in events:
        state = applied(state, change, TTL)
    return state


def holders(state: dict[str, Any] | None, minutes: float = 1) -> dict[str, str | None]:
    now = NOW + timedelta(minutes=minutes)
    return {m: claimed_by(state, m, now, TTL) for m in ("x:1", "x:2")}


@pytest.mark.parametrize(
    ("events", "after"),
    [
        ([event(K.CLAIMED)], {"x:1": "dewi", "x:2": None}),
        (
            [event(K.CLAIMED), event(K.CLAIMED, "x:2", "anna")],
            {"x:1": "dewi", "x:2": "anna"},
        ),
        ([event(K.CLAIMED), event(K.RELEASED)], {"x:1": None, "x:2": None}),
        (
            [event(K.CLAIMED), event(K.CLAIMED, "x:2", "anna"), event(K.RESOLVED)],
            {"x:1": None, "x:2": "anna"},
        ),
        ([event(K.CLAIMED), event(K.REPLIED, actor="anna")], {"x:1": None, "x:2": None}),
        ([event(K.CLAIMED), event(K.CLAIMED, mention=None)], {"x:1": "dewi", "x:2": None}),
        ([event(K.RELEASED)], {"x:1": None, "x:2": None}),
    ],
)
def test_claims_follow_claim_release_reply_and_resolve(
    events: list[ConversationEvent], after: dict[str, str | None]
) -> None:
    assert holders(fold(*events)) == after


def test_the_first_claim_holds_not_the_last() -> None:
    state = fold(event(K.CLAIMED), event(K.CLAIMED, actor="femke", minutes=5))
    assert holders(state, minutes=6)["x:1"] == "dewi"


def test_a_claim_after_the_ttl_takes_over_and_a_lapsed_claim_shows_nobody() -> None:
    state = fold(event(K.CLAIMED))
    assert holders(state, minutes=30)["x:1"] is None
    state = fold(event(K.CLAIMED), event(K.CLAIMED, actor="femke", minutes=31))
    assert holders(state, minutes=32)["x:1"] == "femke"


def test_nothing_claimed_is_no_state() -> None:
    assert fold(event(K.CLAIMED), event(K.RESOLVED)) is None
    assert fold(event(K.RELEASED)) is None


def letter(
    reason: str, original: bytes, topic: str | None = "p.mentions.routed", stage: str = "notify"
) -> DeadLetter:
    return DeadLetter.of(stage=stage, reason=reason, original=original, topic=topic, at=NOW)


def test_replay_selects_redrivable_letters_once_per_original() -> None:
    letters = [
        letter("delivery_failed", b"d1"),
        letter("circuit_open", b"d1"),  # same decision, another target: re-driven once
        letter("circuit_open", b"d2"),
        letter("invalid_routing_decision", b"junk"),
        letter("handler_error", b"e1", topic="p.conversation.events"),
        letter("delivery_failed", b"d3", stage="classify"),
        letter("delivery_failed", b"d4", topic=None),
    ]
    chosen = select(
        letters,
        "notify",
        ["delivery_failed", "circuit_open", "handler_error"],
        {"p.mentions.routed"},
    )
    assert [c.original() for c in chosen] == [b"d1", b"d2"]
