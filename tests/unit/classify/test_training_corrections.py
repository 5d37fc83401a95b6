"""Corrections join training: the version follows them, the held-out split never does."""

from __future__ import annotations

import json
from pathlib import Path

from services.classify.artifacts import build
from services.classify.corpus import TEST_FILE, TRAIN_FILE, read_examples


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_corrections_change_the_version_and_never_bring_in_held_out_texts(
    tmp_path: Path,
) -> None:
    small = write_lines(tmp_path / "small.jsonl", TRAIN_FILE.read_text().splitlines()[::24])
    test_file = write_lines(tmp_path / "test.jsonl", TEST_FILE.read_text().splitlines()[::20])
    held_out_text = read_examples(test_file)[0].text
    corrections = write_lines(
        tmp_path / "corrections.jsonl",
        [
            json.dumps(
                {
                    "family": "correction:x:1",
                    "text": "Een nieuwe klacht over de collecte",
                    "topics": ["complaints", "fundraising"],
                    "sentiment": "negative",
                }
            ),
            # A re-tagged mention whose text is a held-out line (shouting, other spacing):
            json.dumps(
                {
                    "family": "correction:x:2",
                    "text": "  " + held_out_text.upper(),
                    "topics": ["press"],
                    "sentiment": "neutral",
                }
            ),
        ],
    )
    models = tmp_path / "models"
    plain = build([small], [], models, test_file)
    learned = build([small], [corrections], models, test_file)
    again = build([small], [corrections], tmp_path / "models-again", test_file)

    assert learned.metadata["version"] != plain.metadata["version"]
    assert learned.metadata["examples"] == plain.metadata["examples"] + 1
    assert learned.metadata["dropped_as_held_out"] == 1
    # Reproducible: the same files give the same version and the same answers.
    assert again.metadata["version"] == learned.metadata["version"]
    texts = [e.text for e in read_examples(test_file)]
    assert again.model.predict(texts) == learned.model.predict(texts)
