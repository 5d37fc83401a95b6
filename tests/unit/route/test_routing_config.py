"""The routing section of the organisation file: optional, validated, errors name the field."""

from __future__ import annotations

import pytest
import yaml

from services.common.organisation import OrganisationConfigError, parse_organisation
from tests.unit.factories import EXAMPLE_CONFIG, example_organisation


def data() -> dict:
    return yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))


def test_the_worked_example_has_a_routing_section() -> None:
    routing = example_organisation().routing
    assert routing.escalation_path == ["service", "communicatie"]
    assert routing.working_hours["service"].on_call_department == "communicatie"
    assert routing.crisis_team == ["communicatie"]


def test_a_file_without_routing_keeps_the_defaults() -> None:
    without = data()
    del without["routing"]
    routing = parse_organisation(without).routing
    assert routing.escalation_path == []
    assert [r.name for r in routing.priority_rules] == ["touchy-negative", "touchy", "untagged"]


@pytest.mark.parametrize(
    ("routing", "named"),
    [
        ({"escalation_path": ["bestuur"]}, "routing.escalation_path: unknown department"),
        ({"crisis_team": ["nobody"]}, "routing.crisis_team"),
        ({"working_hours": {"service": {"timezone": "Mars/Olympus"}}}, "unknown time zone"),
        ({"working_hours": {"service": {"start": "17:00", "end": "09:00"}}}, "end must be after"),
        ({"working_hours": {"service": {"outside_hours": "on_call"}}}, "on_call_department"),
        ({"working_hours": {"service": {"days": []}}}, "at least one working day"),
        ({"priority_rules": [{"name": "x", "priority": "urgent", "topics": ["astro"]}]}, "astro"),
        ({"priority_rules": [{"name": "x", "priority": "asap"}]}, "priority_rules.0.priority"),
        ({"crisis": {"factor": 0.5}}, "routing.crisis.factor"),
        ({"stickiness": 5}, "routing.stickiness"),
    ],
)
def test_a_wrong_routing_section_names_the_field(routing: dict, named: str) -> None:
    wrong = data()
    wrong["routing"] = routing
    with pytest.raises(OrganisationConfigError, match=named.replace(".", r"\.")):
        parse_organisation(wrong)
