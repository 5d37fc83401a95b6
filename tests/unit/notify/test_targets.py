"""Push targets come from the organisation file; files without them stay valid."""

import pytest
import yaml

from services.common.organisation import OrganisationConfigError, parse_organisation
from services.notify.targets import push_targets
from tests.unit.factories import EXAMPLE_CONFIG


def config_with(push: dict[str, object]) -> dict[str, object]:
    data = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    for dept in data["departments"]:
        if dept["slug"] == "service":
            dept["webhooks"] = [{"url": "http://hook.example/w", "secret_env": "S"}]
            dept["push"] = push
    return data


def test_every_target_type_in_config_order() -> None:
    org = parse_organisation(
        config_with(
            {
                "slack": [{"url": "http://slack.example/services/T/B/X"}],
                "teams": [{"url": "http://teams.example/w", "card": "adaptive_card"}],
                "email": [{"to": ["dewi@openhart.nl", "ops@openhart.nl"]}],
                "rate_limit": {"per_second": 2, "burst": 3},
                "digest": {"every_minutes": 15},
            }
        )
    )
    dept = org.department("service")
    targets = push_targets(dept)
    assert [(t.channel, t.address) for t in targets] == [
        ("webhook", "http://hook.example/w"),
        ("slack", "http://slack.example/services/T/B/X"),
        ("teams", "http://teams.example/w"),
        ("email", "mailto:dewi@openhart.nl,ops@openhart.nl"),
    ]
    assert targets[0].secret_env == "S"
    assert targets[2].card == "adaptive_card"
    assert targets[3].recipients == ("dewi@openhart.nl", "ops@openhart.nl")
    assert dept.push.digest is not None
    assert dept.push.digest.immediate_priorities == (
        "high",
        "urgent",
    )


def test_departments_without_push_have_none() -> None:
    org = parse_organisation(yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8")))
    assert all(push_targets(d) == [] for d in org.departments)


@pytest.mark.parametrize(
    ("push", "field"),
    [
        ({"email": [{"to": ["not-an-address"]}]}, "push.email"),
        ({"email": [{"to": []}]}, "push.email"),
        ({"teams": [{"url": "http://t", "card": "hero"}]}, "push.teams"),
        ({"digest": {"every_minutes": 0}}, "push.digest"),
        ({"digest": {"every_minutes": 15, "immediate_priorities": ["asap"]}}, "push.digest"),
        ({"pager": []}, "push.pager"),
    ],
)
def test_a_wrong_push_section_names_the_field(push: dict[str, object], field: str) -> None:
    with pytest.raises(OrganisationConfigError, match=field.replace(".", r"\.")):
        parse_organisation(config_with(push))
