"""The one claim rule: a table of event sequences and who holds after them, then properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas import ConversationEventKind as Kind
from services.common.claim_rule import Claim, ClaimFacts, apply, decide, holder_at, live
from services.common.settings import CommonSettings

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
TTL = timedelta(minutes=30)


def ev(kind: Kind, actor: str, minutes: float) -> ClaimFacts:
    return ClaimFacts(
        kind=kind, actor=actor, at=T0 + timedelta(minutes=minutes), department=f"d-{actor}"
    )


def fold(events: list[ClaimFacts]) -> tuple[Claim | None, list[str]]:
    claim: Claim | None = None
    outcomes = []
    for event in events:
        claim, outcome = apply(claim, event, TTL)
        outcomes.append(outcome.kind)
    return claim, outcomes


CASES = [
    ("nothing happened", [], None, []),
    ("a claim takes", [ev(Kind.CLAIMED, "ann", 0)], "ann", ["taken"]),
    (
        "someone else within the ttl is refused",
        [ev(Kind.CLAIMED, "ann", 0), ev(Kind.CLAIMED, "bob", 29.9)],
        "ann",
        ["taken", "refused"],
    ),
    (
        "at claimed_at + ttl the claim has expired: the next claim takes over",
        [ev(Kind.CLAIMED, "ann", 0), ev(Kind.CLAIMED, "bob", 30)],
        "bob",
        ["taken", "taken"],
    ),
    (
        "the holder's claim renews it",
        [ev(Kind.CLAIMED, "ann", 0), ev(Kind.CLAIMED, "ann", 20), ev(Kind.CLAIMED, "bob", 40)],
        "ann",
        ["taken", "renewed", "refused"],
    ),
    (
        "the holder releases; then someone else takes it",
        [ev(Kind.CLAIMED, "ann", 0), ev(Kind.RELEASED, "ann", 1), ev(Kind.CLAIMED, "bob", 2)],
        "bob",
        ["taken", "released", "taken"],
    ),
    (
        "only the holder releases",
        [ev(Kind.CLAIMED, "ann", 0), ev(Kind.RELEASED, "bob", 1)],
        "ann",
        ["taken", "unchanged"],
    ),
    (
        "a reply ends the claim, whoever records it",
        [ev(Kind.CLAIMED, "ann", 0), ev(Kind.REPLIED, "bob", 1), ev(Kind.CLAIMED, "bob", 2)],
        "bob",
        ["taken", "ended", "taken"],
    ),
    (
        "resolving ends the claim",
        [ev(Kind.CLAIMED, "ann", 0), ev(Kind.RESOLVED, "bob", 1)],
        None,
        ["taken", "ended"],
    ),
    (
        "a re-tag or a note leaves the claim alone",
        [ev(Kind.CLAIMED, "ann", 0), ev(Kind.RETAGGED, "bob", 2), ev(Kind.NOTED, "bob", 3)],
        "ann",
        ["taken", "unchanged", "unchanged"],
    ),
]


@pytest.mark.parametrize(
    ("events", "holder", "outcomes"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_rule(events: list[ClaimFacts], holder: str | None, outcomes: list[str]) -> None:
    claim, seen = fold(events)
    assert (claim.actor if claim else None, seen) == (holder, outcomes)


def test_a_refusal_names_the_holder_and_changes_nothing() -> None:
    first, _ = apply(None, ev(Kind.CLAIMED, "ann", 0), TTL)
    after, outcome = apply(first, ev(Kind.CLAIMED, "bob", 5), TTL)
    assert after == first
    assert outcome.kind == "refused"
    assert outcome.holder == first


def test_liveness_is_judged_at_the_event_not_at_a_clock() -> None:
    first, _ = apply(None, ev(Kind.CLAIMED, "ann", 0), TTL)
    # folded long after both happened, the second claim was still made within the ttl
    _, outcome = apply(first, ev(Kind.CLAIMED, "bob", 10), TTL)
    assert outcome.kind == "refused"


def test_holder_at_and_decide() -> None:
    claim = Claim("ann", "service", T0)
    assert holder_at(claim, T0 + TTL - timedelta(microseconds=1), TTL) == claim
    assert holder_at(claim, T0 + TTL, TTL) is None
    assert holder_at(None, T0, TTL) is None
    assert decide(claim, "bob", T0 + timedelta(minutes=5), TTL).kind == "refused"
    assert decide(claim, "ann", T0 + timedelta(minutes=5), TTL).kind == "renewed"
    assert decide(claim, "bob", T0 + TTL, TTL).kind == "taken"


def test_one_ttl_setting_with_the_old_name_as_an_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    assert CommonSettings().claim_ttl == timedelta(minutes=30)
    monkeypatch.setenv("WEBCARE_HISTORY_CLAIM_TTL_S", "60")
    assert CommonSettings().claim_ttl == timedelta(minutes=1)
    monkeypatch.setenv("WEBCARE_CLAIM_TTL_S", "120")
    assert CommonSettings().claim_ttl == timedelta(minutes=2)


events = st.lists(
    st.builds(
        ev,
        st.sampled_from([Kind.CLAIMED, Kind.RELEASED, Kind.REPLIED, Kind.RESOLVED, Kind.NOTED]),
        st.sampled_from(["ann", "bob", "cas"]),
        st.floats(0, 120, allow_nan=False),
    ),
    max_size=30,
).map(lambda evs: sorted(evs, key=lambda e: e.at))


@given(events)
def test_a_live_claim_is_only_ever_taken_over_by_its_holder(history: list[ClaimFacts]) -> None:
    claim: Claim | None = None
    for event in history:
        after, outcome = apply(claim, event, TTL)
        if event.kind is Kind.CLAIMED and live(claim, event.at, TTL):
            assert claim is not None
            refused = claim.actor != event.actor
            assert outcome.kind == ("refused" if refused else "renewed")
            assert after is not None
            assert after.actor == claim.actor
            assert after.at == (claim.at if refused else event.at)
        claim = after
