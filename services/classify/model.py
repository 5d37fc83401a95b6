"""The topic and sentiment model: linear scores over TF-IDF features, calibrated per topic.

Multi-label: each topic is its own yes/no question, a linear classifier. A topic's
probability is a sigmoid of all topic and sentiment scores (fitted on out-of-fold
scores, so it is honest about unseen writers), compared with the topic's own threshold.
Sentiment is the best of three one-against-the-rest linear scores over the same
features. The fitted model is plain
numpy arrays: prediction is one sparse product per batch, and the pickle does not hold
scikit-learn objects. `training.py` fits it, `artifacts.py` stores it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.special import expit

from schemas import Sentiment
from services.classify.features import (
    BLOCKS,
    Counts,
    FeatureSpec,
    Weighting,
    cached_word_columns,
    count_features,
)

# Bump when the features, the classifiers or the training change: it is part of the version,
# and a version, once built, is never overwritten.
MODEL_KIND = "tfidf-nbsvm-4"
# Explanations remember this many distinct words' contributions per model, then start again.
EXPLAIN_CACHE_WORDS = 50_000
_SENTIMENTS = {s.value: s for s in Sentiment}


@dataclass(frozen=True)
class Prediction:
    topics: list[str]
    scores: dict[str, float]
    sentiment: Sentiment


@dataclass(frozen=True)
class Rows:
    """A batch as the model saw it: TF-IDF rows, their norms per block, the words."""

    x: csr_matrix
    norms: np.ndarray
    words: list[list[str]]


@dataclass
class TopicModel:
    """A fitted model; `predict` is what the service calls, `explain` what people read."""

    version: str
    topics: list[str]
    spec: FeatureSpec
    weighting: Weighting
    topic_weights: np.ndarray  # columns x topics
    topic_bias: np.ndarray  # topics
    # (topics + sentiment classes + 1) x topics: a topic's probability is the sigmoid of
    # [topic scores, sentiment scores, 1] @ its column.
    calibration: np.ndarray
    thresholds: dict[str, float]
    sentiment_weights: np.ndarray  # columns x classes
    sentiment_bias: np.ndarray
    sentiment_classes: list[str]
    _word_parts: dict[str, np.ndarray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def counts(self, texts: Sequence[str]) -> Counts:
        return count_features(texts, self.spec)

    def rows(self, counts: Counts) -> Rows:
        x, norms = self.weighting.transform(counts.matrix)
        return Rows(x, norms, counts.words)

    def topic_probabilities(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        x = self.rows(self.counts(texts)).x
        return self.probabilities(self.decision(x), self.sentiment_scores(x))

    def decision(self, x: csr_matrix) -> np.ndarray:
        """Raw linear topic scores, rows x topics (before calibration)."""
        return np.asarray(x @ self.topic_weights) + self.topic_bias

    def sentiment_scores(self, x: csr_matrix) -> np.ndarray:
        """Raw linear scores per sentiment class, rows x classes."""
        return np.asarray(x @ self.sentiment_weights) + self.sentiment_bias

    def probabilities(
        self, topic_scores: np.ndarray, mood_scores: np.ndarray
    ) -> dict[str, np.ndarray]:
        k = len(self.topics)
        c = self.calibration
        p = expit(topic_scores @ c[:k] + mood_scores @ c[k:-1] + c[-1])
        return {topic: p[:, i] for i, topic in enumerate(self.topics)}

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """One prediction per text, in order; batch for throughput."""
        return self.predict_rows(self.rows(self.counts(texts)))

    def predict_rows(self, rows: Rows) -> list[Prediction]:
        if rows.x.shape[0] == 0:
            return []
        mood_scores = self.sentiment_scores(rows.x)
        probabilities = self.probabilities(self.decision(rows.x), mood_scores)
        moods = np.asarray(self.sentiment_classes)[np.argmax(mood_scores, axis=1)]
        thresholds = [self.thresholds[t] for t in self.topics]
        rounded = {t: np.round(p, 4).tolist() for t, p in probabilities.items()}
        predictions = []
        for i, mood in enumerate(moods.tolist()):
            scores = {t: rounded[t][i] for t in self.topics}
            topics = [t for t, th in zip(self.topics, thresholds, strict=True) if scores[t] >= th]
            predictions.append(Prediction(topics, scores, _SENTIMENTS[mood]))
        return predictions

    def explain(self, text: str, top: int = 5) -> dict[str, list[tuple[str, float]]]:
        """Per topic, the words of `text` that pushed its score up most, with their weight."""
        rows = self.rows(self.counts([text]))
        return self.explain_rows(rows, [self.topics], top)[0]

    def explain_rows(
        self, rows: Rows, topics: Sequence[Sequence[str]], top: int = 5
    ) -> list[dict[str, list[tuple[str, float]]]]:
        """Per row, per topic asked for it, the words that pushed the topic up: for each
        distinct word, coefficient x idf of its own features (the word, its character
        n-grams, its lexicon tags) over the row's norm of each feature block. A feature
        two words share counts for both; word pairs are left out. Cheap enough for every
        mention: a word's contributions are remembered per model, and the arithmetic is
        one pass over the batch."""
        index = {t: i for i, t in enumerate(self.topics)}
        asked = [[index[t] for t in row_topics if t in index] for row_topics in topics]
        words = [list(dict.fromkeys(rows.words[r])) if asked[r] else [] for r in range(len(asked))]
        parts = [self._word_part(w) for row_words in words for w in row_words]
        explanations: list[dict[str, list[tuple[str, float]]]] = [
            {self.topics[i]: [] for i in row_asked} for row_asked in asked
        ]
        if not parts:
            return explanations
        sizes = np.array([len(w) for w in words])
        scale = np.divide(1.0, rows.norms, out=np.zeros_like(rows.norms), where=rows.norms > 0)
        weights = np.einsum("pbt,pb->pt", np.stack(parts), np.repeat(scale, sizes, axis=0))
        weights = np.round(weights, 4)
        start = 0
        for r, row_words in enumerate(words):
            end = start + len(row_words)
            for i in asked[r]:
                column = weights[start:end, i].tolist()
                ranked = sorted(zip(column, row_words, strict=True), key=lambda p: -p[0])[:top]
                explanations[r][self.topics[i]] = [(w, v) for v, w in ranked if v > 0]
            start = end
        return explanations

    def _word_part(self, word: str) -> np.ndarray:
        """BLOCKS x topics: the word's features' coefficient x idf, summed per block."""
        cached = self._word_parts.get(word)
        if cached is not None:
            return cached
        if len(self._word_parts) > EXPLAIN_CACHE_WORDS:
            self._word_parts.clear()
        position = self.weighting.positions(cached_word_columns(word, self.spec))
        position = position[position >= 0]
        values = self.weighting.idf[position, None] * self.topic_weights[position]
        in_block = self.weighting.blocks[position] == np.arange(BLOCKS)[:, None]
        part = in_block @ values
        self._word_parts[word] = part
        return part

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_word_parts"] = {}
        return state
