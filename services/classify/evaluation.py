"""Quality of predictions against labels: per-topic P/R/F1, macro-F1, sentiment accuracy,
and how often a mention with no topic is left without one ("no topic right").

Pure functions over lists, shared by `webcare eval`, `webcare train` (its metadata)
and the tests that hold the model to its targets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
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
    # Of the mentions labelled with no topic, the share the model gave none (and how many).
    no_topic_right: float = 0.0
    no_topic_support: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "examples": self.examples,
            "macro_f1": round(self.macro_f1, 4),
            "sentiment_accuracy": round(self.sentiment_accuracy, 4),
            "no_topic_right": round(self.no_topic_right, 4),
            "no_topic_support": self.no_topic_support,
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

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Evaluation:
        """Back from `as_dict` (a model's metadata): the numbers, without the confusions."""
        per_topic = data["per_topic"]
        assert isinstance(per_topic, dict)
        return cls(
            examples=int(str(data["examples"])),
            per_topic={
                t: TopicScore(s["precision"], s["recall"], s["f1"], s["support"])
                for t, s in per_topic.items()
            },
            macro_f1=float(str(data["macro_f1"])),
            sentiment_accuracy=float(str(data["sentiment_accuracy"])),
            no_topic_right=float(str(data.get("no_topic_right", 0.0))),
            no_topic_support=int(str(data.get("no_topic_support", 0))),
        )


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
    without = [not p for g, p in zip(gold, predicted, strict=True) if not g]
    return Evaluation(
        examples=len(gold),
        per_topic=per_topic,
        macro_f1=_ratio(sum(s.f1 for s in per_topic.values()), len(per_topic)),
        sentiment_accuracy=_ratio(correct, len(gold)),
        confusions=(confusions(gold, predicted) + moods).most_common(top_confusions),
        no_topic_right=_ratio(sum(without), len(without)),
        no_topic_support=len(without),
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
    lines.append(
        f"no topic right: {evaluation.no_topic_right:.3f} ({evaluation.no_topic_support} mentions)"
    )
    if evaluation.confusions:
        lines.append("most common confusions:")
        lines.extend(f"  {count:>4}  {what}" for what, count in evaluation.confusions)
    return "\n".join(lines)


def format_side_by_side(evaluations: dict[str, Evaluation]) -> str:
    """One column per evaluated set: per-topic F1 (recall), macro-F1, sentiment, no topic."""
    names = list(evaluations)
    width = max(16, *(len(n) + 2 for n in names))
    lines = [f"{'':<14}" + "".join(f"{n:>{width}}" for n in names)]
    topics = list(next(iter(evaluations.values())).per_topic) if evaluations else []

    def row(label: str, cell: Callable[[Evaluation], str]) -> str:
        return f"{label:<14}" + "".join(f"{cell(evaluations[n]):>{width}}" for n in names)

    lines.append(row("mentions", lambda e: str(e.examples)))

    def topic_cell(topic: str) -> Callable[[Evaluation], str]:
        def cell(e: Evaluation) -> str:
            if topic not in e.per_topic:
                return "-"
            return f"{e.per_topic[topic].f1:.3f} (r {e.per_topic[topic].recall:.2f})"

        return cell

    lines.extend(row(topic, topic_cell(topic)) for topic in topics)
    lines.append(row("macro-F1", lambda e: f"{e.macro_f1:.3f}"))
    lines.append(row("sentiment", lambda e: f"{e.sentiment_accuracy:.3f}"))
    lines.append(row("no topic", lambda e: f"{e.no_topic_right:.3f}"))
    lines.append("per topic: F1 (recall); sentiment: accuracy; no topic: share of mentions")
    lines.append("labelled with no topic that got none")
    return "\n".join(lines)
