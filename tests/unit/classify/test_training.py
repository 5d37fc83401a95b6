"""Training is reproducible and never lets a group straddle the validation folds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from services.classify.artifacts import build, load, promote, version_for
from services.classify.corpus import (
    DEFAULT_TOPICS,
    TRAIN_FILE,
    corpus_files,
    read_corpus,
    read_examples,
    written_files,
)
from services.classify.training import best_threshold, group_folds, train

SAMPLE = read_corpus([TRAIN_FILE])[::6]


def test_validation_folds_keep_groups_whole() -> None:
    folds = group_folds(SAMPLE)
    assert len(folds) == 4
    assert all(folds)
    assert set().union(*folds) == {e.family for e in SAMPLE}
    assert sum(len(f) for f in folds) == len(set().union(*folds))


def test_a_written_file_is_one_group() -> None:
    written = read_corpus(written_files())
    assert written, "the written corpus is part of training"
    assert {e.family for e in written} == {f"written/{p.name}" for p in written_files()}
    assert not any(e.generated for e in written)
    assert all(e.generated for e in read_corpus([TRAIN_FILE]))
    assert corpus_files()[-1] == TRAIN_FILE


def test_training_twice_gives_the_same_model() -> None:
    texts = [e.text for e in SAMPLE[:50]]
    first, second = (train(SAMPLE, DEFAULT_TOPICS, "v").model for _ in range(2))
    assert first.thresholds == second.thresholds
    a, b = first.topic_probabilities(texts), second.topic_probabilities(texts)
    assert all(np.array_equal(a[t], b[t]) for t in DEFAULT_TOPICS)
    assert first.predict(texts) == second.predict(texts)


def test_validation_scores_the_written_examples_only() -> None:
    written = read_corpus(written_files())[::3]
    result = train(written + SAMPLE, DEFAULT_TOPICS, "v")
    assert result.validation.examples == len(written)


def test_best_threshold_separates_when_it_can() -> None:
    probabilities = np.array([0.1, 0.2, 0.35, 0.7, 0.8])
    truth = np.array([False, False, False, True, True])
    assert 0.35 < best_threshold(probabilities, truth) <= 0.7


def test_version_follows_the_data(tmp_path: Path) -> None:
    extra = tmp_path / "corrections.jsonl"
    extra.write_text('{"text": "x", "topics": [], "sentiment": "neutral"}\n')
    assert version_for([TRAIN_FILE]) == version_for([TRAIN_FILE])
    assert version_for([TRAIN_FILE, extra]) != version_for([TRAIN_FILE])


def test_build_writes_a_loadable_versioned_artifact(tmp_path: Path) -> None:
    small = tmp_path / "small.jsonl"
    small.write_text("".join(line + "\n" for line in TRAIN_FILE.read_text().splitlines()[::8]))
    built = build([small], models_dir=tmp_path / "models", test_file=None)
    version = str(built.metadata["version"])
    assert (tmp_path / "models" / version / "metadata.json").exists()
    assert built.metadata["examples"] == len(read_examples(small))
    promote(version, tmp_path / "models")
    assert (tmp_path / "models" / "CURRENT").read_text().strip() == version
    loaded = load(version, tmp_path / "models")
    assert loaded.predict(["Ik wil doneren"]) == built.model.predict(["Ik wil doneren"])
    assert loaded.explain("Ik wil doneren") == built.model.explain("Ik wil doneren")


def test_corrections_with_a_new_topic_train_a_model_for_it(tmp_path: Path) -> None:
    small = tmp_path / "small.jsonl"
    small.write_text("".join(line + "\n" for line in TRAIN_FILE.read_text().splitlines()[::12]))
    corrections = tmp_path / "corrections.jsonl"
    lines = [
        {
            "id": f"m{i}",
            "family": f"correction:m{i}",
            "text": f"Komt er weer een kerstmarkt {i} in het buurthuis, met kraampjes?",
            "topics": ["events"],
            "sentiment": "neutral",
        }
        for i in range(25)
    ]
    corrections.write_text("".join(json.dumps(line) + "\n" for line in lines))
    few = tmp_path / "few.jsonl"
    few.write_text("".join(json.dumps(line) + "\n" for line in lines[:5]))
    assert "events" not in build([small], [few], tmp_path / "models", None).model.topics
    model = build([small], [corrections], tmp_path / "models", None).model
    assert model.topics == [*DEFAULT_TOPICS, "events"]
    market, other = model.predict(
        ["Komt er weer een kerstmarkt in het buurthuis, met kraampjes?", "Ik wil doneren"]
    )
    assert "events" in market.topics
    assert "events" not in other.topics
