"""Training is reproducible and never lets a family straddle the validation split."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from services.classify.artifacts import build, load, promote, version_for
from services.classify.corpus import DEFAULT_TOPICS, TRAIN_FILE, read_examples
from services.classify.training import best_threshold, family_folds, train

SAMPLE = read_examples(TRAIN_FILE)[::6]


def test_validation_folds_keep_families_whole() -> None:
    folds = family_folds(SAMPLE)
    assert len(folds) == 3
    assert all(folds)
    assert set().union(*folds) == {e.family for e in SAMPLE}
    assert sum(len(f) for f in folds) == len(set().union(*folds))


def test_training_twice_gives_the_same_model() -> None:
    texts = [e.text for e in SAMPLE[:50]]
    first, second = (train(SAMPLE, DEFAULT_TOPICS, "v").model for _ in range(2))
    assert first.thresholds == second.thresholds
    a, b = first.topic_probabilities(texts), second.topic_probabilities(texts)
    assert all(np.array_equal(a[t], b[t]) for t in DEFAULT_TOPICS)
    assert first.predict(texts) == second.predict(texts)


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
    built = build([small], tmp_path / "models", test_file=None)
    version = str(built.metadata["version"])
    assert (tmp_path / "models" / version / "metadata.json").exists()
    assert built.metadata["examples"] == len(read_examples(small))
    promote(version, tmp_path / "models")
    assert (tmp_path / "models" / "CURRENT").read_text().strip() == version
    loaded = load(version, tmp_path / "models")
    assert loaded.predict(["Ik wil doneren"]) == built.model.predict(["Ik wil doneren"])
