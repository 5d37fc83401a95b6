"""The keyword classifier: the organisation's words, at word starts, any case."""

import pytest

from schemas import Sentiment
from services.classify.keywords import KeywordClassifier
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
