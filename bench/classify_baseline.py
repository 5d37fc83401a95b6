"""Keyword baseline vs the model: `python bench/classify_baseline.py`.

The baseline is keyword scoring (`services/classify/keywords.py`) over every topic: the
organisation's topic and sentiment keywords at word starts. Both are scored on the old
generator's held-out split (`data/test.jsonl`) and on the independent test set
(`data/independent/`), neither of which either was built from.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.classify.artifacts import ensure_current
from services.classify.corpus import (
    DEFAULT_TOPICS,
    TEST_FILE,
    LabelledExample,
    independent_files,
    read_examples,
)
from services.classify.evaluation import evaluate, format_evaluation
from services.classify.keywords import KeywordClassifier
from services.classify.model import TopicModel
from services.classify.training import predict_and_evaluate
from services.common.organisation import load_organisation
from services.common.settings import CommonSettings


def main() -> None:
    keywords = KeywordClassifier.from_organisation(
        load_organisation(CommonSettings().organisation_config)
    )
    model = ensure_current()
    sets = {"random split": [TEST_FILE], "independent": independent_files()}
    for name, paths in sets.items():
        examples = [e for path in paths for e in read_examples(path)]
        if examples:
            compare(name, examples, keywords, model)


def compare(
    name: str, examples: list[LabelledExample], keywords: KeywordClassifier, model: TopicModel
) -> None:
    baseline = evaluate(
        [e.topics for e in examples],
        [[t for t, s in keywords.scores(e.text).items() if s > 0] for e in examples],
        [e.sentiment for e in examples],
        [keywords.sentiment(e.text) for e in examples],
        DEFAULT_TOPICS,
    )
    trained = predict_and_evaluate(model, examples, DEFAULT_TOPICS)
    out = sys.stdout
    out.write(format_evaluation(baseline, f"keyword baseline ({keywords.version}) on {name}"))
    out.write("\n\n")
    out.write(format_evaluation(trained, f"model {model.version} on {name}"))
    out.write(
        f"\n\n{name}: macro-F1: baseline {baseline.macro_f1:.3f}, model {trained.macro_f1:.3f}"
        f" | sentiment accuracy: baseline {baseline.sentiment_accuracy:.3f},"
        f" model {trained.sentiment_accuracy:.3f}\n\n"
    )


if __name__ == "__main__":
    main()
