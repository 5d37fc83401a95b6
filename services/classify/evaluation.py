"""Quality of predictions against labels: per-topic P/R/F1, macro-F1, sentiment accuracy.

Pure functions over lists, shared by `webcare eval`, `webcare train` (its metadata)
and the tests that hold the model to its targets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from schemas import Sentiment


@dataclass(frozen=True)
class TopicScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Evaluation:
    examples: int
    per_topic: dict[str, TopicScore]
    macro_f1: float
    sentiment_accuracy: float
    confusions: list[tuple[str, int]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "examples": self.examples,
            "macro_f1": round(self.macro_f1, 4),
            "sentiment_accuracy": round(self.sentiment_accuracy, 4),
            "per_topic": {
                t: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "support": s.support,
                }
                for t, s in self.per_topic.items()
            },
        }


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def topic_score(gold: Sequence[set[str]], predicted: Sequence[set[str]], topic: str) -> TopicScore:
    tp = sum(topic in g and topic in p for g, p in zip(gold, predicted, strict=True))
    fp = sum(topic not in g and topic in p for g, p in zip(gold, predicted, strict=True))
    fn = sum(topic in g and topic not in p for g, p in zip(gold, predicted, strict=True))
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)
    return TopicScore(precision, recall, f1, tp + fn)


def confusions(gold: Sequence[set[str]], predicted: Sequence[set[str]]) -> Counter[str]:
    """Missed topics, extra topics and, when both happen at once, which one was taken for which."""
    found: Counter[str] = Counter()
    for g, p in zip(gold, predicted, strict=True):
        missed, extra = sorted(g - p), sorted(p - g)
        if missed and extra:
            found.update(f"{m} taken for {e}" for m in missed for e in extra)
        else:
            found.update(f"missed {m}" for m in missed)
            found.update(f"extra {e}" for e in extra)
    return found


def evaluate(
    gold_topics: Sequence[Sequence[str]],
    predicted_topics: Sequence[Sequence[str]],
    gold_sentiment: Sequence[Sentiment],
    predicted_sentiment: Sequence[Sentiment],
    topics: Sequence[str],
    top_confusions: int = 8,
) -> Evaluation:
    gold = [set(t) for t in gold_topics]
    predicted = [set(t) for t in predicted_topics]
    per_topic = {t: topic_score(gold, predicted, t) for t in topics}
    moods = Counter(
        f"sentiment {g.value} taken for {p.value}"
        for g, p in zip(gold_sentiment, predicted_sentiment, strict=True)
        if g != p
    )
    correct = sum(g == p for g, p in zip(gold_sentiment, predicted_sentiment, strict=True))
    return Evaluation(
        examples=len(gold),
        per_topic=per_topic,
        macro_f1=_ratio(sum(s.f1 for s in per_topic.values()), len(per_topic)),
        sentiment_accuracy=_ratio(correct, len(gold)),
        confusions=(confusions(gold, predicted) + moods).most_common(top_confusions),
    )


def format_evaluation(evaluation: Evaluation, title: str = "") -> str:
    lines = [title] if title else []
    lines.append(f"{'topic':<14}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}")
    for topic, s in evaluation.per_topic.items():
        lines.append(f"{topic:<14}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>8.3f}{s.support:>9}")
    lines.append(f"macro-F1 over {len(evaluation.per_topic)} topics: {evaluation.macro_f1:.3f}")
    lines.append(
        f"sentiment accuracy: {evaluation.sentiment_accuracy:.3f} ({evaluation.examples} mentions)"
    )
    if evaluation.confusions:
        lines.append("most common confusions:")
        lines.extend(f"  {count:>4}  {what}" for what, count in evaluation.confusions)
    return "\n".join(lines)
