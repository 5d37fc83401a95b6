"""Response KPIs become metrics with department and topic labels, never ids."""

from __future__ import annotations

from prometheus_client import REGISTRY

from services.route.app import _count_kpis
from services.route.claims import Kpi


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_kpis_are_counted_per_department_and_topic() -> None:
    labels = {"department": "kpitest", "topic": "press"}
    before_in_time = sample("webcare_sla_outcomes_total", **labels, outcome="answered_in_time")
    before_never = sample("webcare_sla_outcomes_total", **labels, outcome="never_answered")
    before_breach = sample("webcare_sla_breaches_total", **labels)
    before_count = sample("webcare_first_response_seconds_count", **labels)
    before_sum = sample("webcare_first_response_seconds_sum", **labels)
    _count_kpis(
        [
            Kpi("kpitest", "press", first_response_s=600.0, outcome="answered_in_time"),
            Kpi("kpitest", "press", outcome="never_answered"),
            Kpi("kpitest", "press", breach=True),
        ]
    )
    assert sample("webcare_sla_outcomes_total", **labels, outcome="answered_in_time") == (
        before_in_time + 1
    )
    assert sample("webcare_sla_outcomes_total", **labels, outcome="never_answered") == (
        before_never + 1
    )
    assert sample("webcare_sla_breaches_total", **labels) == before_breach + 1
    assert sample("webcare_first_response_seconds_count", **labels) == before_count + 1
    assert sample("webcare_first_response_seconds_sum", **labels) == before_sum + 600.0
