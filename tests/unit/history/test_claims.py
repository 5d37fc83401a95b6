"""A mention's working state folded from its events: a table of cases, then properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas import ConversationEventKind as Kind
from services.history.claims import EventFacts, effective_status, mention_state

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
TTL = timedelta(minutes=30)


def ev(
    n: int, kind: Kind, actor: str, minutes: float, topics: list[str] | None = None
) -> EventFacts:
    return EventFacts(
        event_id=f"e{n:03d}",
        kind=kind,
        actor=actor,
        department=f"dept-{actor}",
        at=T0 + timedelta(minutes=minutes),
        topics=topics,
    )


CASES = [
    ("nothing happened", [], ("open", None)),
    ("a claim", [ev(1, Kind.CLAIMED, "ann", 0)], ("claimed", "ann")),
    (
        "a second claim by someone else while the first is live is ignored",
        [ev(1, Kind.CLAIMED, "ann", 0), ev(2, Kind.CLAIMED, "bob", 5)],
        ("claimed", "ann"),
    ),
    (
        "after the first claim expired, the second one wins",
        [ev(1, Kind.CLAIMED, "ann", 0), ev(2, Kind.CLAIMED, "bob", 31)],
        ("claimed", "bob"),
    ),
    (
        "only the claimer releases",
        [ev(1, Kind.CLAIMED, "ann", 0), ev(2, Kind.RELEASED, "bob", 1)],
        ("claimed", "ann"),
    ),
    (
        "release, then someone else claims",
        [
            ev(1, Kind.CLAIMED, "ann", 0),
            ev(2, Kind.RELEASED, "ann", 1),
            ev(3, Kind.CLAIMED, "bob", 2),
        ],
        ("claimed", "bob"),
    ),
    (
        "resolving ends the claim",
        [ev(1, Kind.CLAIMED, "ann", 0), ev(2, Kind.RESOLVED, "bob", 3)],
        ("resolved", None),
    ),
    (
        "a reply on an unclaimed mention changes nothing",
        [ev(1, Kind.REPLIED, "ann", 0)],
        ("open", None),
    ),
    (
        "a reply ends the claim, whoever records it: the next claim takes it",
        [ev(1, Kind.CLAIMED, "ann", 0), ev(2, Kind.REPLIED, "bob", 1)],
        ("open", None),
    ),
    (
        "after a reply, someone else's claim within the ttl takes it",
        [
            ev(1, Kind.CLAIMED, "ann", 0),
            ev(2, Kind.REPLIED, "ann", 1),
            ev(3, Kind.CLAIMED, "bob", 2),
        ],
        ("claimed", "bob"),
    ),
    (
        "order of arrival does not matter, time does",
        [ev(2, Kind.CLAIMED, "bob", 5), ev(1, Kind.CLAIMED, "ann", 0)],
        ("claimed", "ann"),
    ),
]


@pytest.mark.parametrize(("events", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_mention_state(events: list[EventFacts], expected: tuple[str, str | None]) -> None:
    state = mention_state(events, TTL)
    assert (state.status, state.claimed_by) == expected


def test_the_last_retag_wins() -> None:
    state = mention_state(
        [ev(1, Kind.RETAGGED, "ann", 0, ["press"]), ev(2, Kind.RETAGGED, "bob", 1, ["complaints"])],
        TTL,
    )
    assert state.tags == ["complaints"]


def test_an_expired_claim_reads_as_open() -> None:
    assert effective_status("claimed", T0, T0 + TTL, TTL) == "open"
    assert effective_status("claimed", T0, T0 + TTL - timedelta(seconds=1), TTL) == "claimed"
    assert effective_status("resolved", None, T0, TTL) == "resolved"


events = st.lists(
    st.builds(
        ev,
        st.integers(0, 999),
        st.sampled_from(list(Kind)),
        st.sampled_from(["ann", "bob", "cas"]),
        st.floats(0, 120, allow_nan=False),
    ),
    max_size=30,
    unique_by=lambda e: e.event_id,
)


@given(events)
def test_any_order_of_arrival_gives_the_same_state(history: list[EventFacts]) -> None:
    assert mention_state(history, TTL) == mention_state(list(reversed(history)), TTL)


@given(events)
def test_at_most_one_live_claimer_and_it_claimed(history: list[EventFacts]) -> None:
    state = mention_state(history, TTL)
    if state.status == "claimed":
        assert any(e.kind is Kind.CLAIMED and e.actor == state.claimed_by for e in history)
    else:
        assert state.claimed_by is None
