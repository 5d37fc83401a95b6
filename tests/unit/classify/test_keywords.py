"""Keyword scoring: the organisation's words, at word starts, any case; live for the
topics the organisation adds that the model does not know."""

import pytest

from schemas import Sentiment
from services.classify.classifier import MentionClassifier
from services.classify.keywords import KeywordClassifier
from services.classify.model import TopicModel
from services.common.organisation import Organisation, TopicDefinition
from tests.unit.factories import NOW, example_organisation, mention

CLASSIFIER = KeywordClassifier.from_organisation(example_organisation())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ik wil graag DONEREN aan jullie!", {"fundraising"}),
        ("Ik ben boos: twee keer afgeschreven voor mijn donatie", {"fundraising", "complaints"}),
        ("Is er nog een vrijwilligersvacature bij Samen Eten?", {"volunteers", "programs"}),
        ("Verzoek om reactie van onze redactie", {"press"}),
        ("Looking for a job? We're hiring a communications lead", {"vacancies"}),
        ("Mooie zonsondergang vandaag", set()),
        ("", set()),
    ],
)
def test_topics(text: str, expected: set[str]) -> None:
    result = CLASSIFIER.classify(mention(text), NOW)
    assert set(result.topics) == expected
    assert set(result.scores) == {t.slug for t in example_organisation().topics}
    assert all((result.scores[t] > 0) == (t in expected) for t in result.scores)


def test_keywords_match_word_starts_only() -> None:
    # "gift" must not fire inside "vergift"
    assert CLASSIFIER.classify(mention("vergiftiging in het nieuws"), NOW).topics == []


def test_more_keywords_more_confidence() -> None:
    one = CLASSIFIER.scores("donatie")["fundraising"]
    two = CLASSIFIER.scores("donatie via de collecte")["fundraising"]
    assert 0 < one < two < 1


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        ("Schandalig, nooit meer!", Sentiment.NEGATIVE),
        ("Bedankt, geweldig werk ❤️", Sentiment.POSITIVE),
        ("Wanneer is de collecteweek?", Sentiment.NEUTRAL),
    ],
)
def test_sentiment(text: str, sentiment: Sentiment) -> None:
    assert CLASSIFIER.classify(mention(text), NOW).sentiment is sentiment


def test_records_model_version() -> None:
    assert CLASSIFIER.classify(mention("x"), NOW).model_version == CLASSIFIER.version


def with_topics(*extra: TopicDefinition, **keywords: list[str]) -> Organisation:
    """The example organisation with `extra` topics added and some topics' keywords replaced."""
    org = example_organisation()
    topics = [
        t.model_copy(update={"keywords": keywords[t.slug]}) if t.slug in keywords else t
        for t in org.topics
    ]
    return org.model_copy(update={"topics": [*topics, *extra]})


EVENTS = TopicDefinition(slug="events", name="Evenementen", keywords=["kerstmarkt", "open dag"])


def test_a_topic_the_organisation_adds_is_scored_by_its_keywords(model: TopicModel) -> None:
    assert "events" not in model.topics
    classifier = MentionClassifier.for_organisation(model, with_topics(EVENTS))
    hit, miss = classifier.classify(
        [mention("Komt er dit jaar weer een Kerstmarkt in Zwolle?"), mention("Goedemorgen!")], NOW
    )
    assert "events" in hit.topics
    assert hit.scores["events"] > 0
    assert "events" not in miss.topics
    assert miss.scores["events"] == 0.0
    # The model's own topics are still the model's.
    assert set(hit.scores) == {t.slug for t in with_topics(EVENTS).topics}


def test_keywords_of_a_topic_the_model_knows_change_nothing(model: TopicModel) -> None:
    text = "Xyzzy, plugh."
    plain = MentionClassifier.for_organisation(model, example_organisation())
    renamed = MentionClassifier.for_organisation(model, with_topics(fundraising=["xyzzy"]))
    assert renamed.predict([text]) == plain.predict([text])
    assert "fundraising" not in renamed.predict([text])[0].topics
