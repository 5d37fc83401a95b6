"""`python -m services.classify predict < in.jsonl > out.jsonl`: the model as a filter.

Reads lines with at least `id` and `text` (`lang` optional) and writes, in order, one
line `{"id", "topics", "scores", "sentiment"}` per input line. A line that is not such
an object gets `{"id": <id or null>, "error": reason}` so the output stays aligned.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TextIO

from services.classify.classifier import MentionClassifier

CHUNK = 256


def _request(line: str) -> tuple[object, str | None, str | None]:
    try:
        data = json.loads(line)
    except ValueError as err:
        return None, None, f"not JSON: {err}"
    if not isinstance(data, dict):
        return None, None, "not an object"
    text = data.get("text")
    if not isinstance(text, str):
        return data.get("id"), None, "no text"
    return data.get("id"), text, None


def predict_lines(lines: Iterable[str], classifier: MentionClassifier) -> Iterator[str]:
    source = iter(lines)
    while chunk := list(islice(source, CHUNK)):
        requests = [_request(line) for line in chunk]
        texts = [text for _, text, _ in requests if text is not None]
        predictions = iter(classifier.predict(texts))
        for ident, text, error in requests:
            if text is None:
                yield json.dumps({"id": ident, "error": error}, ensure_ascii=False)
                continue
            p = next(predictions)
            answer = {"id": ident, "topics": p.topics, "scores": p.scores, "sentiment": p.sentiment}
            yield json.dumps(answer, ensure_ascii=False)


def run(stdin: TextIO, stdout: TextIO, classifier: MentionClassifier) -> None:
    for line in predict_lines((line for line in stdin if line.strip()), classifier):
        stdout.write(line + "\n")
