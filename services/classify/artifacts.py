"""Versioned model artifacts: `models/<version>/model.joblib` + `metadata.json`, and CURRENT.

The version is the model kind plus a hash of the training data, so the same data always
gives the same version and the same model. The artifacts are built, not committed: the
service builds the corpus model at its first start when no artifact is there
(`ensure_current`), and `webcare train` builds new versions (with people's corrections)
and points `CURRENT` at them. Files are written to a temporary folder and renamed, so
two processes building at once never see half a model.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import joblib
import sklearn

from services.classify.corpus import (
    DEFAULT_TOPICS,
    MODELS_DIR,
    TEST_FILE,
    LabelledExample,
    corpus_files,
    fingerprint,
    read_corpus,
    read_examples,
)
from services.classify.model import MODEL_KIND, TopicModel
from services.classify.text import SHOUTING_TOKEN, normalise
from services.classify.training import predict_and_evaluate, train

# A topic people add (the organisation's taxonomy) gets a model of its own once the
# corrections hold this many mentions with it; until then keyword scoring covers it.
MIN_EXAMPLES_FOR_A_TOPIC = 20

CURRENT = "CURRENT"
log = logging.getLogger(__name__)


class ModelUnavailable(RuntimeError):
    """No usable model under the models folder (missing, or built by another scikit-learn)."""


@dataclass(frozen=True)
class BuiltModel:
    model: TopicModel
    metadata: dict[str, object]


def version_for(train_files: Sequence[Path]) -> str:
    return f"{MODEL_KIND}-{fingerprint(train_files, MODEL_KIND, sklearn.__version__)[:10]}"


def topics_for(extras: Sequence[LabelledExample], topics: Sequence[str]) -> list[str]:
    """The taxonomy's topics, then every other topic the extras give often enough."""
    counts: dict[str, int] = {}
    for example in extras:
        for topic in example.topics:
            counts[topic] = counts.get(topic, 0) + 1
    added = sorted(
        t for t, n in counts.items() if t not in topics and n >= MIN_EXAMPLES_FOR_A_TOPIC
    )
    return [*topics, *added]


def build(
    corpus: Sequence[Path],
    extra_files: Sequence[Path] = (),
    models_dir: Path = MODELS_DIR,
    test_file: Path | None = TEST_FILE,
    topics: Sequence[str] = DEFAULT_TOPICS,
) -> BuiltModel:
    """Trains on the `corpus` files and `extra_files` (people's corrections), scores the
    generator's held-out `test_file` (the random split), writes the artifact."""
    train_files = [*corpus, *extra_files]
    version = version_for(train_files)
    extras = [e for path in extra_files if path.exists() for e in read_examples(path)]
    extras, dropped = without_held_out(extras, test_file)
    examples = read_corpus(corpus) + extras
    topics = topics_for(extras, topics)
    result = train(examples, topics, version)
    metadata: dict[str, object] = {
        "version": version,
        "kind": MODEL_KIND,
        "data_sha256": fingerprint(train_files),
        "train_files": [p.name for p in train_files if p.exists()],
        "examples": len(examples),
        "topics": list(topics),
        "thresholds": result.thresholds,
        "scikit_learn": sklearn.__version__,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "validation": result.validation.as_dict(),
        "dropped_as_held_out": dropped,
    }
    if test_file is not None and test_file.exists():
        held_out = predict_and_evaluate(result.model, read_examples(test_file), topics)
        metadata["held_out"] = held_out.as_dict()
    save(result.model, metadata, models_dir)
    return BuiltModel(result.model, metadata)


def without_held_out(
    extras: list[LabelledExample], test_file: Path | None
) -> tuple[list[LabelledExample], int]:
    """Drops extra examples (every file after the corpus: corrections) whose normalised text
    is a held-out text: a person re-tagging such a mention must not leak it into training."""
    if not extras or test_file is None or not test_file.exists():
        return extras, 0
    held_out = {_leak_key(e.text) for e in read_examples(test_file)}
    kept = [e for e in extras if _leak_key(e.text) not in held_out]
    return kept, len(extras) - len(kept)


def _leak_key(text: str) -> str:
    """The text as the model sees it, shouting or not: one key for every copy of a line."""
    return normalise(text).removesuffix(f" {SHOUTING_TOKEN}")


def save(model: TopicModel, metadata: dict[str, object], models_dir: Path) -> Path:
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / model.version
    staging = Path(tempfile.mkdtemp(prefix=f".{model.version}-", dir=models_dir))
    joblib.dump(model, staging / "model.joblib", compress=3)
    (staging / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")
    try:
        os.rename(staging, target)
    except OSError:  # another process finished the same version first: same data, same model
        shutil.rmtree(staging, ignore_errors=True)
    return target


def metadata_of(version: str, models_dir: Path = MODELS_DIR) -> dict[str, object]:
    path = models_dir / version / "metadata.json"
    try:
        data: dict[str, object] = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise ModelUnavailable(f"{path}: {err}") from err
    return data


def load(version: str, models_dir: Path = MODELS_DIR) -> TopicModel:
    metadata = metadata_of(version, models_dir)
    if metadata.get("scikit_learn") != sklearn.__version__:
        raise ModelUnavailable(
            f"{version} was built with scikit-learn {metadata.get('scikit_learn')}, "
            f"this is {sklearn.__version__}: run `webcare train`"
        )
    if metadata.get("kind") != MODEL_KIND:
        raise ModelUnavailable(f"{version} is a {metadata.get('kind')} model, not {MODEL_KIND}")
    try:
        model = joblib.load(models_dir / version / "model.joblib")
    except Exception as err:  # a pickle from other code fails in many ways; all mean "rebuild"
        raise ModelUnavailable(f"{version}: cannot load model.joblib ({err})") from err
    if not isinstance(model, TopicModel):
        raise ModelUnavailable(f"{version}: model.joblib does not hold a TopicModel")
    return model


def current_version(models_dir: Path = MODELS_DIR) -> str | None:
    try:
        return (models_dir / CURRENT).read_text().strip() or None
    except FileNotFoundError:
        return None


def promote(version: str, models_dir: Path = MODELS_DIR) -> None:
    """Points CURRENT at `version` (atomically): what the service loads at its next start."""
    metadata_of(version, models_dir)  # refuses a version that isn't there
    fd, tmp = tempfile.mkstemp(dir=models_dir, prefix=".current-")
    with os.fdopen(fd, "w") as out:
        out.write(version + "\n")
    os.replace(tmp, models_dir / CURRENT)


def ensure_current(models_dir: Path = MODELS_DIR, pinned: str | None = None) -> TopicModel:
    """The model a service starts with: the pinned version, else CURRENT, else the corpus
    model, built now if it isn't there yet (a fresh clone needs no manual step)."""
    if pinned:
        return load(pinned, models_dir)
    version = current_version(models_dir)
    if version is not None:
        try:
            return load(version, models_dir)
        except ModelUnavailable as err:
            log.warning("current model unusable, falling back to the corpus model: %s", err)
    corpus = corpus_files()
    corpus_version = version_for(corpus)
    try:
        return load(corpus_version, models_dir)
    except ModelUnavailable:
        log.info("building model %s from the corpus", corpus_version)
        return build(corpus, models_dir=models_dir).model
