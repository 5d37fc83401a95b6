"""Organisation rules force or forbid a topic over whatever the model says."""

import pytest

from services.classify.overlay import KeywordOverlay
from services.common.organisation import OrganisationConfigError, parse_organisation
from tests.unit.factories import example_organisation


def organisation_with(rules: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    data = example_organisation().model_dump(mode="json")
    data["topic_rules"] = rules
    return parse_organisation(data)


OVERLAY = KeywordOverlay.from_organisation(
    organisation_with(
        [
            {"topic": "fundraising", "force": ["legaat", "nalatenschap"]},
            {"topic": "vacancies", "forbid": ["vrijwilligersvacature"]},
            {"topic": "press", "force": ["NOS"], "forbid": ["geen journalist"]},
        ]
    )
)
SCORES = {"fundraising": 0.1, "vacancies": 0.9, "press": 0.2}


@pytest.mark.parametrize(
    ("text", "topics", "expected"),
    [
        ("Over mijn legaat", [], ["fundraising"]),
        ("Een LEGAAT", [], ["fundraising"]),
        ("vrijwilligersvacature!", ["vacancies"], []),
        ("vacature", ["vacancies"], ["vacancies"]),
        ("Vraag van de NOS, ik ben geen journalist", [], []),
        ("nalatenschappen", [], ["fundraising"]),
        ("het legaatje", [], ["fundraising"]),
        ("geen regel", ["press"], ["press"]),
    ],
)
def test_force_and_forbid(text: str, topics: list[str], expected: list[str]) -> None:
    chosen, scores = OVERLAY.apply(text, topics, SCORES)
    assert chosen == expected
    for topic in set(expected) - set(topics):
        assert scores[topic] == 1.0
    for topic in set(topics) - set(expected):
        assert scores[topic] == 0.0


def test_no_rules_changes_nothing() -> None:
    overlay = KeywordOverlay.from_organisation(example_organisation())
    assert overlay.apply("legaat", ["press"], SCORES) == (["press"], SCORES)


def test_a_rule_for_an_unknown_topic_names_the_field() -> None:
    with pytest.raises(OrganisationConfigError, match=r"topic_rules\.0\.topic: 'weather'"):
        KeywordOverlay.from_organisation(organisation_with([{"topic": "weather", "force": ["x"]}]))


def test_a_rule_with_a_typo_in_a_field_is_refused() -> None:
    with pytest.raises(OrganisationConfigError, match="topic_rules"):
        organisation_with([{"topic": "press", "forse": ["x"]}])
