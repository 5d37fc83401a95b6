"""`python -m services.classify predict`: one answer line per input line, in order."""

from __future__ import annotations

import json
import subprocess
import sys

from services.classify.classifier import MentionClassifier
from services.classify.predict import predict_lines
from tests.support.processes import REPO

LINES = [
    json.dumps({"id": "a", "text": "Hoe kan ik doneren aan Open Hart?", "lang": "nl"}),
    "not json",
    json.dumps({"id": "b"}),
    json.dumps({"id": 3, "text": "Journalist here, request for comment on your report"}),
]


def test_answers_line_by_line_in_order(classifier: MentionClassifier) -> None:
    answers = [json.loads(line) for line in predict_lines(LINES, classifier)]
    assert [a["id"] for a in answers] == ["a", None, "b", 3]
    assert "fundraising" in answers[0]["topics"]
    assert set(answers[0]) == {"id", "topics", "scores", "sentiment"}
    assert answers[1]["error"].startswith("not JSON")
    assert answers[2]["error"] == "no text"
    assert "press" in answers[3]["topics"]


def test_command_line(classifier: MentionClassifier) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "services.classify", "predict"],
        input="\n".join(LINES) + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        timeout=240,
    )
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert answers == [json.loads(line) for line in predict_lines(LINES, classifier)]
