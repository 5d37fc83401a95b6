"""Labelled examples: the written corpus under `data/` and corrections made by people.

A line is JSON with at least `text`, `topics` and `sentiment`; `family` groups the
variants of one hand-written line so a validation split never sees a sibling of what
it trained on. `data/README.md` says how the corpus was made.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from schemas import Sentiment

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAIN_FILE = DATA_DIR / "train.jsonl"
TEST_FILE = DATA_DIR / "test.jsonl"
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


def parse_example(line: str, where: str) -> LabelledExample:
    try:
        data = json.loads(line)
        return LabelledExample(
            text=str(data["text"]),
            topics=tuple(sorted(data["topics"])),
            sentiment=Sentiment(data["sentiment"]),
            family=str(data.get("family") or data.get("id") or where),
        )
    except (ValueError, KeyError, TypeError) as err:
        raise CorpusError(f"{where}: not a labelled example ({err})") from err


def read_examples(path: Path) -> list[LabelledExample]:
    examples = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                examples.append(parse_example(line, f"{path}:{number}"))
    return examples


def fingerprint(paths: Iterable[Path], *extra: str) -> str:
    """sha256 over the files' bytes and `extra` (model kind): equal inputs, equal model."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    for item in extra:
        digest.update(item.encode())
    return digest.hexdigest()
