"""What the classify stage does to a mention: model, keywords, then the organisation's rules.

Pure (no Kafka): the Faust agent, `predict` and the benchmarks all call `classify`.
Scores are reported for every topic of the organisation's taxonomy. A topic the model
was trained on is the model's; a topic the organisation added that the model does not
know yet is scored by the topic's `keywords:` (`keywords.py`: one keyword tags it),
until corrections train a model that knows it (`artifacts.topics_for`). The
organisation's `topic_rules` then force or forbid topics over either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from schemas import ClassifiedMention, Mention
from services.classify.features import Counts
from services.classify.keywords import KeywordClassifier
from services.classify.model import Prediction, Rows, TopicModel
from services.classify.overlay import KeywordOverlay
from services.common.organisation import Organisation


@dataclass(frozen=True)
class MentionClassifier:
    model: TopicModel
    overlay: KeywordOverlay
    taxonomy: tuple[str, ...]
    keywords: KeywordClassifier

    @classmethod
    def for_organisation(cls, model: TopicModel, org: Organisation) -> MentionClassifier:
        unknown = [t for t in org.topics if t.slug not in model.topics]
        return cls(
            model,
            KeywordOverlay.from_organisation(org),
            tuple(t.slug for t in org.topics),
            KeywordClassifier.for_topics(unknown),
        )

    @property
    def version(self) -> str:
        return self.model.version

    def counts(self, texts: Sequence[str]) -> Counts:
        """The model's features before weighting: a shadow of the same spec reuses them."""
        return self.model.counts(texts)

    def predict(self, texts: Sequence[str], counts: Counts | None = None) -> list[Prediction]:
        return self._predict(texts, counts)[0]

    def _predict(
        self, texts: Sequence[str], counts: Counts | None = None
    ) -> tuple[list[Prediction], Rows]:
        rows = self.model.rows(counts if counts is not None else self.model.counts(texts))
        raws = self.model.predict_rows(rows)
        by_keywords = bool(self.keywords.topic_patterns)
        predictions = []
        for text, raw in zip(texts, raws, strict=True):
            scores = {t: raw.scores.get(t, 0.0) for t in self.taxonomy}
            kept = set(raw.topics)
            if by_keywords:
                for topic, score in self.keywords.scores(text).items():
                    scores[topic] = score
                    if score > 0:
                        kept.add(topic)
            topics, scores = self.overlay.apply(
                text, [t for t in self.taxonomy if t in kept], scores
            )
            predictions.append(Prediction(topics, scores, raw.sentiment))
        return predictions, rows

    def classify(
        self,
        mentions: Sequence[Mention],
        now: datetime,
        explain: bool = False,
        counts: Counts | None = None,
    ) -> list[ClassifiedMention]:
        """`explain`: add, per topic the model kept, the words that drove it
        (`TopicModel.explain_rows`); `counts`: features already computed for these texts.
        The explanations go in as plain data, validated with the rest in one call."""
        texts = [m.text for m in mentions]
        predictions, rows = self._predict(texts, counts)
        explanations: list[dict[str, list[dict[str, object]]] | None] = [None] * len(texts)
        if explain:
            explanations = [
                {
                    topic: [{"term": w[:200], "weight": v} for w, v in terms]
                    for topic, terms in per_topic.items()
                }
                for per_topic in self.model.explain_rows(rows, [p.topics for p in predictions])
            ]
        return [
            ClassifiedMention.model_validate(
                {
                    "mention": mention,
                    "topics": p.topics,
                    "scores": p.scores,
                    "sentiment": p.sentiment,
                    "model_version": self.version,
                    "classified_at": now,
                    "explanation": explanation,
                }
            )
            for mention, p, explanation in zip(mentions, predictions, explanations, strict=True)
        ]
