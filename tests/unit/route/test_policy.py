"""The routing policy, table-driven: who gets a mention and why, how urgent, by when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schemas import Sentiment
from services.route.policy import decision_id, route
from tests.unit.factories import example_organisation
from tests.unit.route.builders import FRIDAY, classified, organisation

ORG = example_organisation()
SUNDAY = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("topics", "departments"),
    [
        (["fundraising"], {"fondsenwerving", "service"}),
        (["complaints"], {"service", "communicatie"}),
        (["volunteers"], {"vrijwilligers", "programmas"}),
        (["vacancies"], {"personeelszaken"}),
        (["press"], {"communicatie"}),
        (["fundraising", "complaints"], {"fondsenwerving", "service", "communicatie"}),
        ([], {"communicatie"}),
    ],
)
def test_fan_out_reaches_every_matching_department(topics, departments) -> None:
    decision = route(classified(topics), ORG, FRIDAY)
    assert {d.department for d in decision.departments} == departments
    # each department appears once and says why: rule, matched topics and their scores
    assert len(decision.departments) == len(departments)
    for target in decision.departments:
        assert target.rule == ("topic" if topics else "triage")
        assert set(target.matched_topics) <= set(topics)
        assert target.scores == {t: 0.8 for t in target.matched_topics}


@pytest.mark.parametrize(
    ("topics", "at", "on_call"),
    [
        (["fundraising"], FRIDAY, None),  # Service works: no stand-in
        (["fundraising"], SUNDAY, "on_call_for:service"),  # Service is off on Sunday
        (["complaints"], SUNDAY, None),  # Communicatie already has it
        (["vacancies"], SUNDAY, None),  # Personeelszaken pauses its clock instead
    ],
)
def test_on_call_department_stands_in_outside_hours(topics, at, on_call) -> None:
    decision = route(classified(topics, at=at), ORG, at)
    stand_ins = [r for r in decision.departments if r.rule.startswith("on_call")]
    if on_call is None:
        assert stand_ins == []
    else:
        assert [(r.department, r.rule) for r in stand_ins] == [("communicatie", on_call)]


@pytest.mark.parametrize(
    ("topics", "sentiment", "text", "followers", "priority", "rules"),
    [
        (
            ["complaints"],
            Sentiment.NEGATIVE,
            "slecht",
            None,
            "urgent",
            {"touchy-negative", "touchy"},
        ),
        (["press"], Sentiment.NEUTRAL, "vraag", None, "high", {"touchy"}),
        (["fundraising"], Sentiment.NEGATIVE, "hallo", None, "normal", set()),
        ([], Sentiment.POSITIVE, "hallo", None, "low", {"untagged"}),
        ([], Sentiment.NEUTRAL, "Dit is Oplichting!", None, "urgent", {"fraud", "untagged"}),
        (["fundraising"], Sentiment.NEUTRAL, "fraudeurs hier", None, "urgent", {"fraud"}),
        (["fundraising"], Sentiment.NEUTRAL, "zelfraude", None, "normal", set()),
        (["programs"], Sentiment.NEUTRAL, "als journalist", None, "urgent", {"press-request"}),
        (["programs"], Sentiment.NEUTRAL, "hallo", 25_000, "high", {"big-reach"}),
        (["programs"], Sentiment.NEUTRAL, "hallo", 9_999, "normal", set()),
    ],
)
def test_priority_from_rules(topics, sentiment, text, followers, priority, rules) -> None:
    decision = route(classified(topics, sentiment, text, followers=followers), ORG, FRIDAY)
    assert decision.priority == priority
    assert set(decision.priority_rules) == rules


@pytest.mark.parametrize(
    ("topics", "sentiment", "priority"),
    [
        (["complaints"], Sentiment.NEGATIVE, "urgent"),
        (["press"], Sentiment.NEUTRAL, "high"),
        (["fundraising"], Sentiment.NEGATIVE, "normal"),
        ([], Sentiment.POSITIVE, "low"),
    ],
)
def test_without_a_routing_section_priorities_are_the_defaults(topics, sentiment, priority) -> None:
    assert route(classified(topics, sentiment), organisation(), FRIDAY).priority == priority


@pytest.mark.parametrize(
    ("topics", "at", "deadline"),
    [
        (["press"], FRIDAY, FRIDAY + timedelta(minutes=120)),  # Communicatie: 24/7
        (["fundraising", "complaints"], FRIDAY, FRIDAY + timedelta(minutes=240)),
        ([], FRIDAY, FRIDAY + timedelta(minutes=1440)),
        # Personeelszaken, 09-17 on weekdays: 2880 working minutes are six working days
        (["vacancies"], FRIDAY, datetime(2026, 11, 30, 10, tzinfo=UTC)),
        # Saturday night: the clock starts Monday 09:00, 1440 minutes = three days
        (
            ["volunteers"],
            datetime(2026, 11, 21, 20, tzinfo=UTC),
            datetime(2026, 11, 25, 16, tzinfo=UTC),
        ),
    ],
)
def test_sla_deadline_is_the_earliest_department_deadline(topics, at, deadline) -> None:
    assert route(classified(topics, at=at), ORG, at).sla_deadline == deadline


def test_without_working_hours_the_sla_is_wall_clock_time_across_dst() -> None:
    saturday = datetime(2026, 3, 28, 11, tzinfo=UTC)  # 12:00 CET; Sunday 12:00 is CEST
    decision = route(classified(["volunteers"], at=saturday), organisation(), saturday)
    assert decision.sla_deadline == saturday + timedelta(hours=24)


def test_decision_id_is_stable_across_replays() -> None:
    first = route(classified(["press"]), ORG, FRIDAY)
    again = route(classified(["press"]), ORG, FRIDAY + timedelta(hours=1))
    assert first.decision_id == again.decision_id == decision_id("x:1")


@pytest.mark.parametrize(
    ("changes", "routed"),
    [
        ({}, True),
        ({"kind": "edit"}, True),
        ({"kind": "delete", "text": ""}, False),
        ({"from_organisation": True}, False),
    ],
)
def test_deletes_and_own_posts_are_not_routed(changes, routed) -> None:
    from services.route.policy import needs_routing
    from tests.unit.factories import mention

    assert needs_routing(mention().model_copy(update=changes)) is routed
