"""Route on the real broker: claims, collisions, expiry and escalation with a moved clock,
and open claims and SLA timers that survive a SIGKILL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schemas import RoutingDecision
from tests.service.route.conftest import RouteUnderTest
from tests.support.kafka_reading import read_records

pytestmark = pytest.mark.kafka

TEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # Friday; a press mention is due at 12:00
DEADLINE = TEN + timedelta(minutes=120)


def of_kind(decisions: list[RoutingDecision], kind: str) -> dict[str, RoutingDecision]:
    """By decision id, so a replayed (duplicate) decision counts once."""
    return {d.decision_id: d for d in decisions if d.kind == kind}


def refused(claimant: str, holder: str):
    def found(decisions: list[RoutingDecision]) -> bool:
        return any(
            d.notice is not None and (d.notice.claimant, d.notice.actor) == (claimant, holder)
            for d in of_kind(decisions, "claim_refused").values()
        )

    return found


def escalations(level: int):
    def found(decisions: list[RoutingDecision]) -> bool:
        return len(of_kind(decisions, "escalated")) >= level

    return found


def test_claim_collision_expiry_and_escalation(route_service: RouteUnderTest) -> None:
    route_service.set_clock(TEN)
    route_service.start()
    route_service.mention(["press"], TEN)
    [first] = of_kind(route_service.wait_for(lambda d: bool(of_kind(d, "mention"))), "mention")
    assert first == "route:x:1"

    route_service.event("claimed", "femke", TEN, "communicatie")
    route_service.event("claimed", "dewi", TEN, "service")
    decisions = route_service.wait_for(refused("dewi", "femke"))
    [refusal] = of_kind(decisions, "claim_refused").values()
    assert [r.department for r in refusal.departments] == ["service"]

    # within the claim TTL (30 minutes) femke's claim holds; after it, eline's takes over
    route_service.event("claimed", "eline", TEN + timedelta(minutes=29), "programmas")
    route_service.wait_for(refused("eline", "femke"))
    route_service.event("claimed", "eline", TEN + timedelta(minutes=30), "programmas")

    # at the deadline nobody has replied: back to Communicatie's queue, up to Service
    route_service.set_clock(DEADLINE)
    decisions = route_service.wait_for(escalations(1))
    [expired] = of_kind(decisions, "sla_expired").values()
    assert [r.department for r in expired.departments] == ["communicatie"]
    assert expired.notice is not None
    assert expired.notice.actor == "eline"  # she took the claim over, unrefused
    assert "claim by eline expired" in expired.notice.reason
    [up] = of_kind(decisions, "escalated").values()
    assert [(r.department, r.rule) for r in up.departments] == [("service", "escalation:1")]
    assert up.sla_deadline == DEADLINE + timedelta(minutes=120)
    assert len(of_kind(decisions, "claim_refused")) == 2  # dewi's and eline's first

    # eline's claim lapsed: Dewi's claim now holds, and it too expires, one level up
    route_service.event("claimed", "dewi", DEADLINE, "service")
    route_service.event("claimed", "femke", DEADLINE, "communicatie")
    route_service.wait_for(refused("femke", "dewi"))
    route_service.set_clock(DEADLINE + timedelta(minutes=120))
    decisions = route_service.wait_for(escalations(2))
    levels = sorted(
        (d.notice.escalation_level, d.departments[0].department)
        for d in of_kind(decisions, "escalated").values()
        if d.notice is not None
    )
    assert levels == [(1, "service"), (2, "communicatie")]


def test_a_reply_stops_the_timer(route_service: RouteUnderTest) -> None:
    route_service.set_clock(TEN)
    route_service.start()
    route_service.mention(["press"], TEN, mention_id="x:1")
    route_service.mention(["press"], TEN, mention_id="x:2")
    route_service.wait_for(lambda d: len(of_kind(d, "mention")) == 2)
    route_service.event("replied", "femke", TEN + timedelta(minutes=5), "communicatie", "x:1")
    # Femke replied on x:1 in time; nobody answered x:2: only x:2 expires at the deadline
    route_service.set_clock(DEADLINE)
    decisions = route_service.wait_for(escalations(1))
    assert {d.classified.mention.id for d in of_kind(decisions, "sla_expired").values()} == {"x:2"}


def test_stickiness_hints_the_last_responder(route_service: RouteUnderTest) -> None:
    route_service.set_clock(TEN)
    route_service.start()
    route_service.mention(["volunteers"], TEN, mention_id="x:1")
    route_service.wait_for(lambda d: bool(of_kind(d, "mention")))
    route_service.event("replied", "bram", TEN + timedelta(minutes=1), "vrijwilligers", "x:1")
    later = TEN + timedelta(hours=2)
    route_service.mention(["fundraising"], later, mention_id="x:2")
    decisions = route_service.wait_for(lambda d: bool(of_kind(d, "sticky_hint")))
    [hint] = of_kind(decisions, "sticky_hint").values()
    assert hint.classified.mention.id == "x:2"
    assert [r.department for r in hint.departments] == ["vrijwilligers"]
    assert hint.notice is not None
    assert hint.notice.actor == "bram"
    [second] = [d for d in of_kind(decisions, "mention").values() if d.decision_id == "route:x:2"]
    assert {r.department for r in second.departments} == {"fondsenwerving", "service"}


def test_open_claims_and_sla_timers_survive_a_crash(route_service: RouteUnderTest) -> None:
    route_service.set_clock(TEN)
    route_service.start()
    route_service.mention(["press"], TEN)
    route_service.wait_for(lambda d: bool(of_kind(d, "mention")))
    route_service.event("claimed", "femke", TEN, "communicatie")
    route_service.event("claimed", "dewi", TEN, "service")
    route_service.wait_for(refused("dewi", "femke"))

    route_service.kill()
    route_service.start()

    # the claim is still held after the restart ...
    route_service.event("claimed", "eline", TEN + timedelta(minutes=1), "programmas")
    route_service.wait_for(refused("eline", "femke"), timeout_s=180)
    # ... and its SLA timer still fires at the deadline
    route_service.set_clock(DEADLINE)
    decisions = route_service.wait_for(escalations(1), timeout_s=120)
    [expired] = of_kind(decisions, "sla_expired").values()
    assert expired.notice is not None
    assert expired.notice.actor == "femke"


def test_a_burst_of_complaints_raises_a_crisis_that_clears(route_service: RouteUnderTest) -> None:
    # the worked example: 10 or more within 60 minutes, 3x the usual (nothing usual here)
    route_service.set_clock(TEN + timedelta(minutes=10))
    route_service.start()
    for i in range(10):
        route_service.mention(["complaints"], TEN + timedelta(minutes=i), mention_id=f"x:{i}")
    decisions = route_service.wait_for(lambda d: bool(of_kind(d, "crisis_raised")))
    [raised] = of_kind(decisions, "crisis_raised").values()
    assert [r.department for r in raised.departments] == ["communicatie"]
    assert raised.notice is not None
    assert raised.notice.observed == 10
    route_service.set_clock(TEN + timedelta(minutes=75))  # the burst has left the window
    route_service.wait_for(lambda d: bool(of_kind(d, "crisis_cleared")))


def test_replies_too_close_together_warn(route_service: RouteUnderTest) -> None:
    # the worked example: at least 5 minutes between posts on x
    route_service.set_clock(TEN)
    route_service.start()
    route_service.mention(["press"], TEN, mention_id="x:1")
    route_service.wait_for(lambda d: bool(of_kind(d, "mention")))
    route_service.event("replied", "femke", TEN, "communicatie", "x:1", channel="x")
    route_service.event(
        "replied", "femke", TEN + timedelta(minutes=1), "communicatie", "x:1", channel="x"
    )
    decisions = route_service.wait_for(lambda d: bool(of_kind(d, "guideline_warning")))
    [warning] = of_kind(decisions, "guideline_warning").values()
    assert [(r.department, r.rule) for r in warning.departments] == [
        ("communicatie", "guideline:min_gap")
    ]
    assert warning.notice is not None
    assert (warning.notice.channel, warning.notice.threshold) == ("x", 5)


def test_cases_past_their_retention_are_forgotten(route_service: RouteUnderTest) -> None:
    """Route's state would otherwise hold every case ever routed (and its memory grow with it):
    a case older than WEBCARE_ROUTE_CASE_RETENTION_DAYS is dropped, with its claim."""
    route_service.env["WEBCARE_ROUTE_CASE_RETENTION_DAYS"] = "1"
    route_service.env["WEBCARE_ROUTE_PRUNE_INTERVAL_S"] = "0.5"
    route_service.set_clock(TEN)
    route_service.start()
    route_service.mention(["press"], TEN, mention_id="x:1")
    route_service.wait_for(lambda d: bool(of_kind(d, "mention")))
    route_service.event("claimed", "femke", TEN, "communicatie", "x:1")
    route_service.event("claimed", "dewi", TEN, "service", "x:1")
    route_service.wait_for(refused("dewi", "femke"))  # x:1 and its claim are held

    two_days_on = TEN + timedelta(days=2)
    route_service.mention(["press"], two_days_on, mention_id="x:2")  # young enough to stay
    route_service.set_clock(two_days_on)
    changelog = f"{route_service.topics.prefix}-route-cases-changelog"  # keys are JSON
    records = read_records(
        route_service.bootstrap,
        changelog,
        lambda records: (b'"x:1"', None) in {(r.key, r.value) for r in records},
        timeout_s=90,
    )
    keyed = {(r.key, r.value) for r in records}
    assert (b'"x:1"', None) in keyed
    assert (b'"x:2"', None) not in keyed

    # x:1 is no longer held: Eline's claim of it is not refused; x:2's claims still are
    route_service.event("claimed", "eline", two_days_on, "programmas", "x:1")
    route_service.event("claimed", "femke", two_days_on, "communicatie", "x:2")
    route_service.event("claimed", "dewi", two_days_on, "service", "x:2")
    decisions = route_service.wait_for(
        lambda d: sum(1 for r in of_kind(d, "claim_refused").values() if r.notice) >= 2
    )
    refusals = {
        (r.classified.mention.id, r.notice.claimant, r.notice.actor)
        for r in of_kind(decisions, "claim_refused").values()
        if r.notice is not None
    }
    assert refusals == {("x:1", "dewi", "femke"), ("x:2", "dewi", "femke")}
