"""What the classify stage does to a mention: model, then the organisation's rules.

Pure (no Kafka): the Faust agent, `predict` and the benchmarks all call `classify`.
Scores are reported for every topic of the organisation's taxonomy; a topic the model
was not trained on scores 0.0 unless a rule forces it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from scipy.sparse import csr_matrix

from schemas import ClassifiedMention, Mention, TermWeight
from services.classify.model import Prediction, TopicModel
from services.classify.overlay import KeywordOverlay
from services.common.organisation import Organisation


@dataclass(frozen=True)
class MentionClassifier:
    model: TopicModel
    overlay: KeywordOverlay
    taxonomy: tuple[str, ...]

    @classmethod
    def for_organisation(cls, model: TopicModel, org: Organisation) -> MentionClassifier:
        return cls(model, KeywordOverlay.from_organisation(org), tuple(t.slug for t in org.topics))

    @property
    def version(self) -> str:
        return self.model.version

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        return self._predict(texts)[0]

    def _predict(self, texts: Sequence[str]) -> tuple[list[Prediction], csr_matrix]:
        predictions = []
        raws, x = self.model.predict_features(texts)
        for text, raw in zip(texts, raws, strict=True):
            scores = {t: raw.scores.get(t, 0.0) for t in self.taxonomy}
            kept = [t for t in self.taxonomy if t in raw.topics]
            topics, scores = self.overlay.apply(text, kept, scores)
            predictions.append(Prediction(topics, scores, raw.sentiment))
        return predictions, x

    def classify(
        self, mentions: Sequence[Mention], now: datetime, explain: bool = False
    ) -> list[ClassifiedMention]:
        """`explain`: add, per topic kept, the words that drove it (`TopicModel.explain_row`)."""
        texts = [m.text for m in mentions]
        predictions, x = self._predict(texts)
        results = []
        for row, (mention, p) in enumerate(zip(mentions, predictions, strict=True)):
            explanation = None
            if explain:
                explanation = {
                    topic: [TermWeight(term=w[:200], weight=v) for w, v in terms]
                    for topic, terms in self.model.explain_row(x, row, texts[row], p.topics).items()
                }
            results.append(
                ClassifiedMention(
                    mention=mention,
                    topics=p.topics,
                    scores=p.scores,
                    sentiment=p.sentiment,
                    model_version=self.version,
                    classified_at=now,
                    explanation=explanation,
                )
            )
        return results
