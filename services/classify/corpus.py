"""Labelled examples: the corpus under `data/` and corrections made by people.

A line is JSON with at least `text`, `topics` and `sentiment`. Every example belongs to
a group (`family`) that a validation fold takes or leaves whole: a written file (one
writer's batch) for `data/written/`, the variants of one line for the old generator's
`train.jsonl`, each correction on its own. `docs/classifier.md` says how the corpus was
made. The independent test set (`data/independent/`) is read by `webcare eval` only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from schemas import Sentiment

DATA_DIR = Path(__file__).resolve().parent / "data"
WRITTEN_DIR = DATA_DIR / "written"
# The old generator's corpus: `train.jsonl` and its held-out split (the "random" split:
# unseen lines, but from the same generator and the same writer).
TRAIN_FILE = DATA_DIR / "train.jsonl"
TEST_FILE = DATA_DIR / "test.jsonl"
INDEPENDENT_DIR = DATA_DIR / "independent"
MODELS_DIR = Path(__file__).resolve().parent / "models"
DEFAULT_TOPICS = ("fundraising", "volunteers", "vacancies", "complaints", "programs", "press")


class CorpusError(ValueError):
    """A labelled file that cannot be read, with the file and line."""


@dataclass(frozen=True)
class LabelledExample:
    text: str
    topics: tuple[str, ...]
    sentiment: Sentiment
    family: str
    lang: str | None = None
    generated: bool = False


def parse_example(
    line: str, where: str, group: str | None = None, generated: bool = False
) -> LabelledExample:
    """`group` (a written file) wins over the line's own `family` or `id`."""
    try:
        data = json.loads(line)
        return LabelledExample(
            text=str(data["text"]),
            topics=tuple(sorted(data["topics"])),
            sentiment=Sentiment(data["sentiment"]),
            family=group or str(data.get("family") or data.get("id") or where),
            lang=data.get("lang"),
            generated=generated,
        )
    except (ValueError, KeyError, TypeError) as err:
        raise CorpusError(f"{where}: not a labelled example ({err})") from err


def read_examples(
    path: Path, group: str | None = None, generated: bool = False
) -> list[LabelledExample]:
    examples = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                examples.append(parse_example(line, f"{path}:{number}", group, generated))
    return examples


def written_files(directory: Path = WRITTEN_DIR) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


def corpus_files() -> list[Path]:
    """What the model trains on: every written file, then the old generator's corpus."""
    return [*written_files(), TRAIN_FILE]


def read_corpus(paths: Iterable[Path]) -> list[LabelledExample]:
    """A written file is one group (its writer's batch); the generator's file groups by
    line family, and its examples are marked `generated`."""
    examples = []
    for path in paths:
        if path.exists():
            if path.parent.name == WRITTEN_DIR.name:
                examples.extend(read_examples(path, f"written/{path.name}"))
            else:
                examples.extend(read_examples(path, generated=True))
    return examples


def independent_files(directory: Path = INDEPENDENT_DIR) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


def fingerprint(paths: Iterable[Path], *extra: str) -> str:
    """sha256 over the files' bytes and `extra` (model kind): equal inputs, equal model."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    for item in extra:
        digest.update(item.encode())
    return digest.hexdigest()
