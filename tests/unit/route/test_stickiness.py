"""Stickiness: the last responder within the window hears of a new mention; fan-out is unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.route.policy import route
from services.route.stickiness import Responder, remember_reply, sticky_hint
from tests.unit.route.builders import FRIDAY, classified, organisation

ORG = organisation(stickiness_minutes=60)


@pytest.mark.parametrize(
    ("replied_before", "hinted"),
    [
        (timedelta(minutes=0), True),
        (timedelta(minutes=60), True),  # the window's edge counts
        (timedelta(minutes=60, seconds=1), False),
        (-timedelta(minutes=1), False),  # a reply after the mention is no history for it
    ],
)
def test_hint_within_the_window(replied_before: timedelta, hinted: bool) -> None:
    decision = route(classified(["fundraising"]), ORG, FRIDAY)
    last = Responder(actor="bram", department="vrijwilligers", at=FRIDAY - replied_before)
    hint = sticky_hint(decision, last, ORG.routing.stickiness_minutes)
    assert (hint is not None) is hinted
    if hint is not None:
        assert hint.kind == "sticky_hint"
        assert [(r.department, r.rule) for r in hint.departments] == [
            ("vrijwilligers", "sticky_hint")
        ]
        assert hint.notice is not None
        assert hint.notice.actor == "bram"
        assert hint.decision_id != decision.decision_id
    # fan-out stays normal either way
    assert {r.department for r in decision.departments} == {"fondsenwerving", "service"}


def test_no_history_no_hint() -> None:
    decision = route(classified(["press"]), ORG, FRIDAY)
    assert sticky_hint(decision, None, 60) is None


def test_the_newest_reply_is_remembered_even_when_an_older_one_is_replayed() -> None:
    newest = remember_reply(None, "bram", "vrijwilligers", FRIDAY)
    assert remember_reply(newest, "anna", "fondsenwerving", FRIDAY - timedelta(hours=1)) == newest
    assert remember_reply(
        newest, "anna", "fondsenwerving", FRIDAY + timedelta(seconds=1)
    ).actor == ("anna")
