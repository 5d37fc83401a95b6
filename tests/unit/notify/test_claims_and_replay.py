"""Claims as notify tracks them, and which dead letters `webcare dlq replay` re-drives."""

from __future__ import annotations

import pytest

from schemas import ConversationEvent, ConversationEventKind, DeadLetter
from services.notify.claims import applied
from services.notify.dlq import select
from tests.unit.factories import NOW


def event(
    kind: ConversationEventKind, mention: str | None = "x:1", actor: str = "dewi"
) -> ConversationEvent:
    return ConversationEvent(
        event_id=f"e-{kind}-{mention}-{actor}",
        kind=kind,
        relationship_id="rel-1",
        mention_id=mention,
        actor=actor,
        at=NOW,
    )


K = ConversationEventKind


@pytest.mark.parametrize(
    ("state", "change", "after"),
    [
        (None, event(K.CLAIMED), {"x:1": "dewi"}),
        ({"x:1": "dewi"}, event(K.CLAIMED, actor="femke"), {"x:1": "femke"}),
        ({"x:1": "dewi"}, event(K.CLAIMED, "x:2", "anna"), {"x:1": "dewi", "x:2": "anna"}),
        ({"x:1": "dewi"}, event(K.RELEASED), None),
        ({"x:1": "dewi", "x:2": "anna"}, event(K.RESOLVED), {"x:2": "anna"}),
        ({"x:1": "dewi"}, event(K.REPLIED), {"x:1": "dewi"}),
        ({"x:1": "dewi"}, event(K.CLAIMED, mention=None), {"x:1": "dewi"}),
        (None, event(K.RELEASED), None),
    ],
)
def test_claims_follow_claim_release_and_resolve(
    state: dict[str, str] | None, change: ConversationEvent, after: dict[str, str] | None
) -> None:
    assert applied(state, change) == after


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
