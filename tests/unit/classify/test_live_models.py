"""Live and shadow models: both answers recorded, disagreements found, swaps whole."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from schemas import ModelCommand
from services.classify.artifacts import ModelUnavailable
from services.classify.classifier import MentionClassifier
from services.classify.corpus import TEST_FILE, read_examples
from services.classify.live_models import (
    LiveModels,
    ModelPair,
    apply_command,
    disagreements,
    latest_commands,
)
from services.classify.model import TopicModel
from tests.unit.factories import NOW, example_organisation, mention

DONATION = "Twee keer afgeschreven voor mijn donatie aan @openhart!"


@pytest.fixture(scope="module")
def strict(model: TopicModel) -> MentionClassifier:
    """A second version that keeps no topic at all (every threshold out of reach)."""
    other = dataclasses.replace(
        model, version="strict-1", thresholds=dict.fromkeys(model.topics, 1.01)
    )
    return MentionClassifier.for_organisation(other, example_organisation())


def command(role: str, version: str | None, minutes: int = 0) -> ModelCommand:
    return ModelCommand(
        command_id=f"{role}-{version}-{minutes}",
        role=role,  # type: ignore[arg-type]
        version=version,
        at=NOW + timedelta(minutes=minutes),
    )


def test_disagreements_are_the_topics_only_one_model_gave() -> None:
    assert disagreements(["press", "programs"], ["programs", "volunteers"]) == [
        "press",
        "volunteers",
    ]
    assert disagreements([], []) == []


def test_shadow_answer_rides_along_and_live_one_counts(
    classifier: MentionClassifier, strict: MentionClassifier
) -> None:
    models = LiveModels(ModelPair(classifier, strict))
    [result] = models.classify([mention(DONATION)], NOW)
    assert result.model_version == classifier.version
    assert "fundraising" in result.topics
    assert result.shadow is not None
    assert result.shadow.model_version == "strict-1"
    assert result.shadow.topics == []
    assert result.explanation is not None
    assert set(result.explanation) == set(result.topics)
    assert {"donatie", "afgeschreven"} & {t.term for t in result.explanation["fundraising"]}


def test_promote_swaps_the_live_model_and_ends_its_shadow_run(
    classifier: MentionClassifier, strict: MentionClassifier
) -> None:
    models = LiveModels(ModelPair(classifier, strict))
    loaded = {"strict-1": strict, classifier.version: classifier}
    apply_command(models, command("live", "strict-1"), loaded.__getitem__)
    assert models.version == "strict-1"
    assert models.current.shadow is None
    [result] = models.classify([mention(DONATION)], NOW)
    assert result.model_version == "strict-1"
    assert result.topics == []
    assert result.shadow is None

    apply_command(models, command("shadow", classifier.version), loaded.__getitem__)
    [result] = models.classify([mention(DONATION)], NOW)
    assert result.shadow is not None
    assert result.shadow.model_version == classifier.version
    apply_command(models, command("shadow", None), loaded.__getitem__)
    assert models.current.shadow is None


def test_a_version_that_cannot_be_loaded_changes_nothing(classifier: MentionClassifier) -> None:
    models = LiveModels(ModelPair(classifier))
    before = models.current

    def missing(version: str) -> MentionClassifier:
        raise ModelUnavailable(version)

    with pytest.raises(ModelUnavailable):
        apply_command(models, command("live", "nope"), missing)
    assert models.current is before


def test_a_restarted_worker_takes_on_the_last_command_per_role() -> None:
    commands = [
        command("shadow", "b", 1),
        command("live", "a", 2),
        command("shadow", None, 3),
        command("live", "b", 4),
    ]
    assert [(c.role, c.version) for c in latest_commands(commands)] == [
        ("live", "b"),
        ("shadow", None),
    ]


def test_explain_is_optional_and_off_costs_nothing(classifier: MentionClassifier) -> None:
    [plain] = classifier.classify([mention(DONATION)], NOW)
    assert plain.explanation is None
    [explained] = classifier.classify([mention(DONATION)], NOW, explain=True)
    assert explained.topics == plain.topics
    assert explained.scores == plain.scores


def test_batch_explanations_equal_one_by_one(model: TopicModel) -> None:
    texts = [e.text for e in read_examples(TEST_FILE)[::40]]
    rows = model.rows(model.counts(texts))
    predictions = model.predict_rows(rows)
    batch = model.explain_rows(rows, [p.topics for p in predictions])
    checked = 0
    for text, prediction, explained in zip(texts, predictions, batch, strict=True):
        assert set(explained) == set(prediction.topics)
        single = model.explain(text)
        for topic in prediction.topics:
            assert explained[topic], (text, topic)
            assert explained[topic] == single[topic][: len(explained[topic])]
            checked += 1
    assert checked >= 10


def test_the_top_word_of_an_explanation_carries_the_topic(model: TopicModel) -> None:
    # Faithful, not decorative: without its top word a topic's score drops.
    text = "Twee keer afgeschreven voor mijn donatie aan @openhart!"
    [(word, weight), *_] = model.explain(text)["fundraising"]
    assert weight > 0
    without = text.replace(word, "", 1) if word in text else text.lower().replace(word, "", 1)
    before = model.topic_probabilities([text])["fundraising"][0]
    after = model.topic_probabilities([without])["fundraising"][0]
    assert after < before


def test_a_shadow_of_the_same_features_answers_as_it_would_alone(
    classifier: MentionClassifier, strict: MentionClassifier
) -> None:
    texts = [e.text for e in read_examples(TEST_FILE)[::60]]
    both = LiveModels(ModelPair(classifier, strict)).classify([mention(t) for t in texts], NOW)
    alone = strict.predict(texts)
    for result, expected in zip(both, alone, strict=True):
        assert result.shadow is not None
        assert result.shadow.topics == expected.topics
        assert result.shadow.scores == expected.scores
