"""The model the service loads: held to the issue's targets on the held-out split, and to
the behaviour routing depends on."""

from __future__ import annotations

import numpy as np
import pytest

from schemas import Sentiment
from services.classify.artifacts import metadata_of
from services.classify.classifier import MentionClassifier
from services.classify.corpus import DEFAULT_TOPICS, TEST_FILE, read_examples
from services.classify.evaluation import Evaluation, evaluate
from services.classify.keywords import KeywordClassifier
from services.classify.model import TopicModel
from services.classify.training import predict_and_evaluate
from tests.unit.factories import NOW, example_organisation, mention

HELD_OUT = read_examples(TEST_FILE)


def test_quality_on_the_held_out_split(model: TopicModel) -> None:
    # The target: macro-F1 >= 0.85 on phrasings the model never saw. It reaches 0.865
    # on the 947 held-out mentions (see services/classify/data/README.md).
    result = predict_and_evaluate(model, HELD_OUT, DEFAULT_TOPICS)
    assert result.macro_f1 >= 0.85, result.as_dict()
    assert result.sentiment_accuracy >= 0.80, result.as_dict()


def test_generalises_to_writers_it_did_not_see(model: TopicModel) -> None:
    # The validation folds leave whole written files out (docs/classifier.md): measured
    # 0.749 macro-F1, programs 0.733; a change that loses generalisation fails here.
    validation = Evaluation.from_dict(metadata_of(model.version)["validation"])  # type: ignore[arg-type]
    assert validation.examples >= 1500
    assert validation.macro_f1 >= 0.72, validation.as_dict()
    assert min(s.f1 for s in validation.per_topic.values()) >= 0.55, validation.as_dict()
    assert validation.per_topic["programs"].f1 >= 0.68, validation.as_dict()


def test_clearly_beats_the_keyword_baseline(model: TopicModel) -> None:
    keywords = KeywordClassifier.from_organisation(example_organisation())
    baseline = evaluate(
        [e.topics for e in HELD_OUT],
        [[t for t, s in keywords.scores(e.text).items() if s > 0] for e in HELD_OUT],
        [e.sentiment for e in HELD_OUT],
        [keywords.sentiment(e.text) for e in HELD_OUT],
        DEFAULT_TOPICS,
    )
    result = predict_and_evaluate(model, HELD_OUT, DEFAULT_TOPICS)
    assert result.macro_f1 >= baseline.macro_f1 + 0.10
    assert result.sentiment_accuracy >= baseline.sentiment_accuracy + 0.10


@pytest.mark.parametrize(
    ("text", "topics", "sentiment"),
    [
        (
            "Ik ben boos: twee keer afgeschreven voor mijn donatie aan @openhart!",
            {"fundraising", "complaints"},
            Sentiment.NEGATIVE,
        ),
        (
            "IK BEN BOOS: TWEE KEER AFGESCHREVEN VOOR MIJN DONATIE AAN @OPENHART!!! https://t.co/x1",
            {"fundraising", "complaints"},
            Sentiment.NEGATIVE,
        ),
        ("Hoe kan ik vrijwilliger worden bij jullie in Gent?", {"volunteers"}, None),
        ("We're hiring a Data Analyst (32 hrs). Apply by Friday!", {"vacancies"}, None),
        (
            "Verslaggever van de Volkskrant hier: verzoek om reactie op het rapport.",
            {"press"},
            None,
        ),
    ],
)
def test_clear_cases(
    classifier: MentionClassifier, text: str, topics: set[str], sentiment: Sentiment | None
) -> None:
    [result] = classifier.classify([mention(text)], NOW)
    assert set(result.topics) == topics
    if sentiment is not None:
        assert result.sentiment is sentiment


def test_a_volunteer_vacancy_is_not_a_job(classifier: MentionClassifier) -> None:
    [result] = classifier.classify(
        [mention("Leuke vrijwilligersvacature bij Open Hart in Zwolle, 3 uur per week!")], NOW
    )
    assert "volunteers" in result.topics
    assert "vacancies" not in result.topics


def test_every_topic_is_scored_and_the_version_recorded(classifier: MentionClassifier) -> None:
    [result] = classifier.classify([mention("Goedemorgen!")], NOW)
    assert set(result.scores) == {t.slug for t in example_organisation().topics}
    assert all(0.0 <= s <= 1.0 for s in result.scores.values())
    assert result.model_version == classifier.version
    assert result.model_version.startswith("tfidf-")


def test_batches_answer_as_one_by_one(classifier: MentionClassifier) -> None:
    texts = [e.text for e in HELD_OUT[:40]]
    assert classifier.predict(texts) == [classifier.predict([t])[0] for t in texts]


def test_explain_names_the_words_that_drove_a_topic(model: TopicModel) -> None:
    explanation = model.explain("Twee keer afgeschreven voor mijn donatie aan @openhart!")
    assert set(explanation) == set(DEFAULT_TOPICS)
    words = [word for word, _ in explanation["fundraising"]]
    assert {"donatie", "afgeschreven"} & set(words)
    assert all(weight > 0 for _, weight in explanation["fundraising"])
    assert "xxhandle" not in words[:1]


@pytest.mark.parametrize(
    "text",
    ["", "🧡🧡🧡", "a" * 5000, "@openhart", "https://t.co/abc", "¿Qué tal? Привет 你好"],
)
def test_odd_input_gets_an_answer(classifier: MentionClassifier, text: str) -> None:
    [result] = classifier.classify([mention(text)], NOW)
    assert set(result.topics) <= set(result.scores)


def test_features_do_not_depend_on_the_batch(model: TopicModel) -> None:
    texts = [e.text for e in HELD_OUT[:60]]
    together = model.rows(model.counts(texts))
    for row, text in enumerate(texts[:20]):
        alone = model.rows(model.counts([text]))
        assert np.allclose(together.x[row].toarray(), alone.x.toarray())
        assert np.allclose(together.norms[row], alone.norms[0])
    summed = model.counts(texts).matrix.copy()
    summed.sum_duplicates()
    x, _ = model.weighting.transform(summed)
    assert np.allclose(x.toarray(), together.x.toarray())
