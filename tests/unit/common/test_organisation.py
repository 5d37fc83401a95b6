"""The organisation file is validated at start, with messages that name the field."""

from pathlib import Path

import pytest
import yaml

from services.common.organisation import (
    OrganisationConfigError,
    load_organisation,
    load_organisation_or_exit,
    parse_organisation,
)
from tests.unit.factories import EXAMPLE_CONFIG


def example_data() -> dict:
    return yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))


def test_the_worked_example_is_valid() -> None:
    org = load_organisation(EXAMPLE_CONFIG)
    assert org.triage_department in org.department_slugs
    assert {t.slug for t in org.topics} == {
        "fundraising",
        "volunteers",
        "vacancies",
        "complaints",
        "programs",
        "press",
    }


@pytest.mark.parametrize(
    ("mutate", "named"),
    [
        (lambda d: d.update(triage_department="nobody"), "triage_department"),
        (lambda d: d["departments"][0].update(topics=["astrology"]), "departments.fondsenwerving"),
        (lambda d: d["departments"][0].update(slug="Not A Slug"), "departments.0.slug"),
        (lambda d: d.pop("topics"), "topics"),
        (lambda d: d.update(colour="blue"), "colour"),
        (lambda d: d["departments"].append(dict(d["departments"][0])), "defined twice"),
        (lambda d: d["departments"][0].update(webhooks=[{"url": "not a url"}]), "webhooks.0.url"),
    ],
)
def test_a_wrong_file_names_the_field(mutate, named: str) -> None:
    data = example_data()
    mutate(data)
    with pytest.raises(OrganisationConfigError, match=named.replace(".", r"\.")):
        parse_organisation(data)


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(OrganisationConfigError, match="cannot read"):
        load_organisation(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(OrganisationConfigError, match="not valid YAML"):
        load_organisation(broken)
    with pytest.raises(SystemExit, match="invalid organisation config"):
        load_organisation_or_exit(broken)


def test_sla_falls_back_to_the_default() -> None:
    data = example_data()
    data["topics"][0].pop("sla_minutes")
    org = parse_organisation(data)
    assert org.sla_minutes(data["topics"][0]["slug"]) == org.default_sla_minutes
    assert org.sla_minutes("press") == 120
