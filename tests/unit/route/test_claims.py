"""Claims and SLA timers: claim, collision, release, reply, resolve, expiry and escalation."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from services.route.claims import Case, expire, open_case, past_retention
from services.route.claims import apply_event as step
from services.route.policy import route, sla_minutes
from tests.unit.route.builders import FRIDAY, classified, event, organisation

ORG = organisation(escalation_path=["service", "communicatie"])
TICK = timedelta(microseconds=1)
TTL = timedelta(minutes=30)


def press_case(org=ORG) -> Case:
    """A press mention at Friday 10:00 UTC: Communicatie, 120 min, deadline 12:00 UTC."""
    mention = classified(["press"])
    return open_case(route(mention, org, FRIDAY), sla_minutes(mention, org))


DEADLINE = FRIDAY + timedelta(minutes=120)


def test_a_new_case_runs_its_timer_to_the_sla_deadline() -> None:
    case = press_case()
    assert (case.status, case.deadline, case.departments) == ("open", DEADLINE, ["communicatie"])
    assert case.timer_running


def test_a_claim_is_held_and_a_second_claim_is_refused_with_the_holder() -> None:
    claimed = step(press_case(), event("claimed", "femke", FRIDAY, "communicatie"), FRIDAY).case
    assert claimed.status == "claimed"
    assert claimed.claim is not None
    assert claimed.claim.actor == "femke"

    collision = step(claimed, event("claimed", "dewi", FRIDAY, "service"), FRIDAY)
    assert collision.case == claimed
    assert not collision.changed
    [refusal] = collision.decisions
    assert refusal.kind == "claim_refused"
    assert [r.department for r in refusal.departments] == ["service"]
    assert refusal.notice is not None
    assert (refusal.notice.actor, refusal.notice.claimant) == ("femke", "dewi")


def test_the_same_claim_again_is_a_replay_not_a_collision() -> None:
    claimed = step(press_case(), event("claimed", "femke", FRIDAY), FRIDAY).case
    again = step(claimed, event("claimed", "femke", FRIDAY), FRIDAY)
    assert again.decisions == []
    assert not again.changed


@pytest.mark.parametrize(
    ("releaser", "status", "holder"),
    [("femke", "open", None), ("dewi", "claimed", "femke")],
)
def test_only_the_holder_releases(releaser: str, status: str, holder: str | None) -> None:
    claimed = step(press_case(), event("claimed", "femke", FRIDAY), FRIDAY).case
    released = step(claimed, event("released", releaser, FRIDAY), FRIDAY).case
    assert released.status == status
    assert (released.claim.actor if released.claim else None) == holder


@pytest.mark.parametrize(
    ("reply_at", "outcome"),
    [
        (DEADLINE - TICK, "answered_in_time"),
        (DEADLINE, "answered_late"),  # the deadline instant is late
        (DEADLINE + timedelta(hours=1), "answered_late"),
    ],
)
def test_a_reply_stops_the_clock_and_is_measured(reply_at, outcome) -> None:
    claimed = step(press_case(), event("claimed", "femke", FRIDAY), FRIDAY).case
    answered = step(claimed, event("replied", "femke", reply_at, "communicatie"), reply_at)
    assert answered.case.status == "answered"
    assert not answered.case.timer_running
    [kpi] = answered.kpis
    assert kpi.outcome == outcome
    assert kpi.first_response_s == (reply_at - FRIDAY).total_seconds()
    assert (kpi.department, kpi.topic) == ("communicatie", "press")
    assert expire(answered.case, ORG, DEADLINE + timedelta(days=1)).decisions == []


@pytest.mark.parametrize(("now", "fires"), [(DEADLINE - TICK, False), (DEADLINE, True)])
def test_the_timer_fires_exactly_at_the_deadline(now, fires) -> None:
    claimed = step(press_case(), event("claimed", "femke", FRIDAY), FRIDAY).case
    result = expire(claimed, ORG, now)
    assert bool(result.decisions) is fires
    if fires:
        assert result.case.claim == claimed.claim  # the SLA does not decide who holds it
        assert result.case.holder_at(now, TTL) is None  # the claim lapsed long before
        assert result.case.status == "open"


def test_a_claim_after_the_ttl_takes_over_without_a_refusal() -> None:
    claimed = step(press_case(), event("claimed", "femke", FRIDAY), FRIDAY).case
    later = FRIDAY + TTL
    taken = step(claimed, event("claimed", "dewi", later, "service"), later)
    assert taken.decisions == []
    assert taken.claim_outcome == "taken"
    assert taken.case.claim is not None
    assert (taken.case.claim.actor, taken.case.claim.at) == ("dewi", later)


def test_the_sla_expiry_leaves_a_live_claim_holding() -> None:
    claimed_at = DEADLINE - timedelta(minutes=10)
    claimed = step(press_case(), event("claimed", "femke", claimed_at), claimed_at).case
    expired = expire(claimed, ORG, DEADLINE)
    back = expired.decisions[0]
    assert back.notice is not None
    assert "still claimed by femke" in back.notice.reason
    assert expired.case.status == "claimed"
    soon = DEADLINE + timedelta(minutes=5)
    refused = step(expired.case, event("claimed", "dewi", soon, "service"), soon)
    [refusal] = refused.decisions
    assert refusal.kind == "claim_refused"
    assert refusal.notice is not None
    assert refusal.notice.actor == "femke"


def test_a_reply_ends_a_claim_made_after_the_first_answer() -> None:
    answered = step(press_case(), event("replied", "femke", FRIDAY), FRIDAY).case
    later = FRIDAY + timedelta(minutes=5)
    claimed = step(answered, event("claimed", "dewi", later), later).case
    assert claimed.claim is not None
    again = FRIDAY + timedelta(minutes=6)
    assert step(claimed, event("replied", "dewi", again), again).case.claim is None


def test_expiry_returns_to_the_queues_and_escalates_along_the_path() -> None:
    case = step(press_case(), event("claimed", "femke", FRIDAY), FRIDAY).case
    seen = []
    now = DEADLINE
    for _ in range(4):
        result = expire(case, ORG, now)
        seen.append([(d.kind, [r.department for r in d.departments]) for d in result.decisions])
        case = result.case
        now = case.deadline or now + timedelta(hours=5)
    assert seen == [
        [("sla_expired", ["communicatie"]), ("escalated", ["service"])],
        [("sla_expired", ["communicatie"]), ("escalated", ["communicatie"])],
        [("sla_expired", ["communicatie"])],  # the path is used up: breached, the timer stops
        [],
    ]
    assert case.status == "breached"
    assert not case.timer_running


def test_the_first_expiry_names_the_expired_claim_and_counts_one_breach() -> None:
    claimed = step(press_case(), event("claimed", "femke", FRIDAY), FRIDAY).case
    first = expire(claimed, ORG, DEADLINE)
    back, up = first.decisions
    assert back.notice is not None
    assert back.notice.actor == "femke"
    assert up.sla_deadline == DEADLINE + timedelta(minutes=120)
    assert up.decision_id != back.decision_id
    assert [(k.department, k.breach) for k in first.kpis] == [("communicatie", True)]
    second = expire(first.case, ORG, up.sla_deadline)
    assert second.kpis == []  # one mention breaches its SLA once


def test_escalation_deadline_uses_the_target_departments_hours() -> None:
    office = {"timezone": "Europe/Amsterdam", "start": time(9), "end": time(17)}
    org = organisation(
        escalation_path=["personeelszaken"], working_hours={"personeelszaken": office}
    )
    case = press_case(org)
    late_friday = FRIDAY.replace(hour=15, minute=30)  # 16:30 in Amsterdam
    case = case.model_copy(update={"deadline": late_friday})
    [_, up] = expire(case, org, late_friday).decisions
    # 30 minutes on Friday, 90 on Monday from 09:00 CET
    assert up.sla_deadline == FRIDAY.replace(day=23, hour=9, minute=30)


def test_resolving_without_a_reply_counts_never_answered() -> None:
    resolved = step(press_case(), event("resolved", "femke", FRIDAY), FRIDAY)
    assert resolved.case.status == "resolved"
    assert not resolved.case.timer_running
    assert [(k.department, k.outcome) for k in resolved.kpis] == [
        ("communicatie", "never_answered")
    ]


def test_a_late_reply_after_expiry_is_late_even_before_the_new_deadline() -> None:
    expired = expire(press_case(), ORG, DEADLINE).case
    answered = step(expired, event("replied", "dewi", DEADLINE, "service"), DEADLINE)
    assert [k.outcome for k in answered.kpis] == ["answered_late"]


def test_retag_and_link_leave_the_case_alone() -> None:
    case = press_case()
    for kind in ("retagged", "linked"):
        assert not step(case, event(kind, "femke", FRIDAY), FRIDAY).changed


@pytest.mark.parametrize(
    ("horizon", "past"),
    [
        (FRIDAY - timedelta(days=1), False),
        (FRIDAY, False),  # came in exactly at the horizon: kept
        (FRIDAY + TICK, True),
        (FRIDAY + timedelta(days=31), True),
    ],
)
def test_a_case_is_past_its_retention_once_it_came_in_before_the_horizon(horizon, past) -> None:
    stored = press_case().model_dump(mode="json")  # as the table holds it

    assert past_retention(stored, horizon) is past


def test_a_reply_request_keeps_the_clock_running_until_publish_says_replied() -> None:
    claimed = step(press_case(), event("claimed", "femke", FRIDAY, "communicatie"), FRIDAY).case
    asked = step(claimed, event("reply_requested", "femke", FRIDAY, "communicatie"), FRIDAY)
    assert (asked.case, asked.changed, asked.decisions) == (claimed, False, [])
    assert asked.case.timer_running
    posted = step(asked.case, event("replied", "femke", FRIDAY, "communicatie"), FRIDAY)
    assert posted.case.status == "answered"
    assert not posted.case.timer_running


def test_a_failed_reply_becomes_a_notice_to_the_department_that_asked() -> None:
    claimed = step(press_case(), event("claimed", "femke", FRIDAY, "communicatie"), FRIDAY).case
    failure = event("reply_failed", "femke", FRIDAY, "communicatie").model_copy(
        update={"failure_status": 403, "failure_message": "forbidden", "channel": "mastodon"}
    )
    failed = step(claimed, failure, FRIDAY)
    assert failed.case == claimed  # the claim holds: the person can try again
    assert failed.case.timer_running
    [notice] = failed.decisions
    assert notice.kind == "reply_failed"
    assert [r.department for r in notice.departments] == ["communicatie"]
    assert notice.notice is not None
    assert notice.notice.reason == "reply not posted: 403 forbidden"
