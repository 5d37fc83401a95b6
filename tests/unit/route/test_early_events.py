"""Events that reach route before their mention: kept once, bounded, applied in order."""

from __future__ import annotations

from datetime import timedelta

from services.route import early_events
from services.route.claims import open_case
from services.route.policy import route, sla_minutes
from tests.unit.route.builders import FRIDAY, classified, event, organisation

ORG = organisation(escalation_path=["service"])
LIMITS = early_events.Limits(max_per_partition=10, max_age=timedelta(hours=1))


def press_case():
    mention = classified(["press"])
    return open_case(route(mention, ORG, FRIDAY), sla_minutes(mention, ORG))


def test_only_events_that_change_a_case_wait() -> None:
    assert early_events.worth_keeping(event("claimed", "femke", FRIDAY))
    assert early_events.worth_keeping(event("replied", "femke", FRIDAY))
    assert not early_events.worth_keeping(event("retagged", "femke", FRIDAY))
    assert not early_events.worth_keeping(event("note", "femke", FRIDAY))


def test_a_redelivered_event_is_kept_once() -> None:
    claim = event("claimed", "femke", FRIDAY)
    entry = early_events.kept(None, claim, 2, FRIDAY)
    assert early_events.kept(entry, claim, 2, FRIDAY) == entry
    assert early_events.size(entry) == 1


def test_the_waiting_events_are_applied_in_order_as_if_the_mention_came_first() -> None:
    entry = None
    for change in (
        event("claimed", "femke", FRIDAY, "communicatie"),
        event("claimed", "dewi", FRIDAY + timedelta(minutes=1), "service"),
        event("replied", "femke", FRIDAY + timedelta(minutes=2), "communicatie"),
    ):
        entry = early_events.kept(entry, change, 0, FRIDAY)
    assert entry is not None
    steps = early_events.caught_up(press_case(), entry, FRIDAY, timedelta(minutes=30))
    assert [s.claim_outcome for s in steps] == ["taken", "refused", "ended"]
    [refusal] = steps[1].decisions
    assert refusal.notice is not None
    assert refusal.notice.actor == "femke"
    assert steps[-1].case.status == "answered"
    assert not steps[-1].case.timer_running


def test_limits_per_partition_and_age() -> None:
    first = early_events.kept(None, event("claimed", "a", FRIDAY, mention_id="x:1"), 0, FRIDAY)
    later = FRIDAY + timedelta(minutes=5)
    second = early_events.kept(None, event("claimed", "b", later, mention_id="x:2"), 0, later)
    other = early_events.kept(None, event("claimed", "c", FRIDAY, mention_id="x:3"), 1, later)
    entries = [("x:1", first), ("x:2", second), ("x:3", other)]
    assert early_events.waiting(entries, 0) == 2
    assert early_events.oldest(entries, 0) == "x:1"
    assert early_events.oldest(entries, 2) is None
    assert not early_events.too_old(first, FRIDAY + timedelta(hours=1), LIMITS)
    assert early_events.too_old(first, FRIDAY + timedelta(hours=1, seconds=1), LIMITS)
