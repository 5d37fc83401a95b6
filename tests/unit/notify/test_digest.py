"""Digest state: what is queued, when it is due, what is left after sending."""

from __future__ import annotations

import pytest

from services.common.organisation_push import DigestPolicy
from services.notify.digest import MAX_ITEMS, added, goes_to_digest, is_due, without

POLICY = DigestPolicy(every_minutes=15)


def item(n: int) -> dict[str, str]:
    return {"delivery_id": f"x:{n}|service"}


@pytest.mark.parametrize(
    ("policy", "priority", "digested"),
    [
        (None, "low", False),
        (POLICY, "low", True),
        (POLICY, "normal", True),
        (POLICY, "high", False),
        (POLICY, "urgent", False),
        # a policy can add priorities that bypass the digest, never take high/urgent away
        (DigestPolicy(every_minutes=5, immediate_priorities=("urgent",)), "high", False),
        (DigestPolicy(every_minutes=5, immediate_priorities=("normal",)), "normal", False),
        (DigestPolicy(every_minutes=5, immediate_priorities=("normal",)), "low", True),
    ],
)
def test_which_priorities_wait_for_the_digest(
    policy: DigestPolicy | None, priority: str, digested: bool
) -> None:
    assert goes_to_digest(policy, priority) is digested


@pytest.mark.parametrize(
    ("kind", "digested"),
    [
        ("mention", True),
        ("claim_refused", True),
        ("sticky_hint", True),
        ("guideline_warning", True),
        ("escalated", False),
        ("sla_expired", False),
        ("crisis_raised", False),
        ("crisis_cleared", False),
    ],
)
def test_escalations_and_crises_never_wait_for_the_digest(kind: str, digested: bool) -> None:
    for priority in ("low", "normal"):
        assert goes_to_digest(POLICY, priority, kind) is digested


def test_added_opens_a_digest_and_ignores_a_redelivered_item() -> None:
    state = added(None, item(1), 1000)
    assert state == {"opened_at_ms": 1000, "items": [item(1)]}
    state = added(state, item(2), 5000)
    assert state["opened_at_ms"] == 1000
    assert added(state, item(1), 6000) == state


@pytest.mark.parametrize(
    ("items", "age_ms", "due"),
    [
        (0, 10**9, False),
        (1, 15 * 60_000 - 1, False),
        (1, 15 * 60_000, True),
        (MAX_ITEMS, 0, True),
    ],
)
def test_due_after_the_interval_or_when_full(items: int, age_ms: int, due: bool) -> None:
    state = {"opened_at_ms": 0, "items": [item(n) for n in range(items)]}
    assert is_due(state, POLICY, age_ms) is due


def test_without_keeps_what_arrived_while_sending_for_the_next_digest() -> None:
    state = {"opened_at_ms": 0, "items": [item(1), item(2), item(3)]}
    assert without(state, {"x:1|service", "x:2|service"}, 99) == {
        "opened_at_ms": 99,
        "items": [item(3)],
    }
    assert without(state, {"x:1|service", "x:2|service", "x:3|service"}, 99) is None
