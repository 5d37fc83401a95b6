"""Keyword scoring: the organisation's topic keywords and sentiment words.

Live, it scores the topics an organisation added to its taxonomy that the model does
not know yet (`classifier.py`); `bench/classify_baseline.py` runs it over every topic
as the baseline the model must beat. Matching is case-insensitive at word starts, so
"vrijwillig" also finds "vrijwilligers" and Dutch compounds that begin with the keyword.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from schemas import ClassifiedMention, Mention, Sentiment
from services.common.organisation import Organisation, TopicDefinition

MODEL_VERSION = "keywords-1"


def _pattern(words: list[str]) -> re.Pattern[str] | None:
    cleaned = sorted({w.strip().lower() for w in words if w.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alternatives = "|".join((r"(?<!\w)" if w[0].isalnum() else "") + re.escape(w) for w in cleaned)
    return re.compile(alternatives, re.IGNORECASE)


def _score(hits: int) -> float:
    """More distinct keywords, more confidence; one keyword is enough to tag."""
    return 0.0 if hits == 0 else round(1.0 - 0.5 ** (hits + 1), 3)


@dataclass(frozen=True)
class KeywordClassifier:
    topic_patterns: dict[str, re.Pattern[str] | None]
    negative: re.Pattern[str] | None
    positive: re.Pattern[str] | None
    version: str = MODEL_VERSION

    @classmethod
    def from_organisation(cls, org: Organisation) -> KeywordClassifier:
        return cls(
            topic_patterns={t.slug: _pattern(t.keywords) for t in org.topics},
            negative=_pattern(org.sentiment_keywords.get("negative", [])),
            positive=_pattern(org.sentiment_keywords.get("positive", [])),
        )

    @classmethod
    def for_topics(cls, topics: list[TopicDefinition]) -> KeywordClassifier:
        """Topic scoring only (no sentiment words), for the topics given."""
        return cls({t.slug: _pattern(t.keywords) for t in topics}, None, None)

    def scores(self, text: str) -> dict[str, float]:
        return {
            topic: _score(len({m.lower() for m in pattern.findall(text)}) if pattern else 0)
            for topic, pattern in self.topic_patterns.items()
        }

    def sentiment(self, text: str) -> Sentiment:
        negative = len(self.negative.findall(text)) if self.negative else 0
        positive = len(self.positive.findall(text)) if self.positive else 0
        if negative > positive:
            return Sentiment.NEGATIVE
        if positive > negative:
            return Sentiment.POSITIVE
        return Sentiment.NEUTRAL

    def classify(self, mention: Mention, now: datetime) -> ClassifiedMention:
        scores = self.scores(mention.text)
        return ClassifiedMention(
            mention=mention,
            topics=[topic for topic, score in scores.items() if score > 0],
            scores=scores,
            sentiment=self.sentiment(mention.text),
            model_version=self.version,
            classified_at=now,
        )
