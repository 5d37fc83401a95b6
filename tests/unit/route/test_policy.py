"""The routing policy, table-driven: who gets a mention, how urgent, by when."""

from datetime import timedelta

import pytest

from schemas import Sentiment
from services.route.policy import decision_id, route
from tests.unit.factories import NOW, classified, example_organisation

ORG = example_organisation()


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
    decision = route(classified(topics), ORG, NOW)
    assert {d.department for d in decision.departments} == departments
    # each department appears once and says why
    assert len(decision.departments) == len(departments)
    for target in decision.departments:
        assert target.rule == ("topic" if topics else "triage")
        assert set(target.matched_topics) <= set(topics)


@pytest.mark.parametrize(
    ("topics", "sentiment", "priority"),
    [
        (["complaints"], Sentiment.NEGATIVE, "urgent"),
        (["press"], Sentiment.NEUTRAL, "high"),
        (["fundraising"], Sentiment.NEGATIVE, "normal"),
        ([], Sentiment.POSITIVE, "low"),
    ],
)
def test_priority(topics, sentiment, priority) -> None:
    assert route(classified(topics, sentiment), ORG, NOW).priority == priority


@pytest.mark.parametrize(
    ("topics", "minutes"),
    [
        (["press"], 120),
        (["fundraising", "complaints"], 240),
        (["vacancies"], 2880),
        ([], 1440),
    ],
)
def test_sla_deadline_is_the_tightest_topic_sla(topics, minutes) -> None:
    decision = route(classified(topics), ORG, NOW)
    assert decision.sla_deadline == NOW + timedelta(minutes=minutes)


def test_decision_id_is_stable_across_replays() -> None:
    first = route(classified(["press"]), ORG, NOW)
    again = route(classified(["press"]), ORG, NOW + timedelta(hours=1))
    assert first.decision_id == again.decision_id == decision_id("x:1")
