"""The topic and sentiment model: TF-IDF lexicon tags, word and character n-grams, linear
classifiers.

One calibrated linear classifier per topic (multi-label: each topic is its own yes/no
question, with its own threshold tuned on a validation split) and one multinomial
sentiment classifier, all over the same features. Character n-grams (inside word
boundaries) make it robust to typos and let Dutch compounds share evidence with their
parts ("vrijwilligersvacature" shares most of its n-grams with "vrijwilliger"); the
lexicon tags (`lexicon.py`) carry domain words the corpus may lack. CPU only,
no downloads; `training.py` builds it, `artifacts.py` stores it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from schemas import Sentiment
from services.classify.lexicon import lexicon_features, lexicon_words
from services.classify.text import normalise

SEED = 4
# Bump when the features, the classifiers or the training change: it is part of the version,
# and a version, once built, is never overwritten.
MODEL_KIND = "tfidf-lex-svm-2"


@dataclass(frozen=True)
class Prediction:
    topics: list[str]
    scores: dict[str, float]
    sentiment: Sentiment


def make_features() -> FeatureUnion:
    return FeatureUnion(
        [
            ("lexicon", TfidfVectorizer(analyzer=lexicon_features, sublinear_tf=True)),
            (
                "word",
                TfidfVectorizer(
                    preprocessor=normalise,
                    token_pattern=r"(?u)\w+|[^\w\s]",
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                ),
            ),
            (
                "char",
                TfidfVectorizer(
                    preprocessor=normalise,
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    min_df=2,
                    sublinear_tf=True,
                    max_features=80_000,
                ),
            ),
        ]
    )


def make_topic_classifier() -> CalibratedClassifierCV:
    return CalibratedClassifierCV(
        LinearSVC(C=0.5, class_weight="balanced", random_state=SEED), cv=3, method="sigmoid"
    )


def make_sentiment_classifier() -> LogisticRegression:
    return LogisticRegression(C=20.0, class_weight="balanced", max_iter=2000)


@dataclass
class TopicModel:
    """A fitted model; `predict` is what the service calls, `explain` what people read."""

    version: str
    topics: list[str]
    features: FeatureUnion
    topic_classifiers: dict[str, CalibratedClassifierCV]
    thresholds: dict[str, float]
    sentiment_classifier: LogisticRegression

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: Sequence[Sequence[str]],
        sentiments: Sequence[str],
        topics: Sequence[str],
        thresholds: dict[str, float] | None = None,
        version: str = "unversioned",
    ) -> TopicModel:
        features = make_features()
        x = features.fit_transform(list(texts))
        classifiers = {}
        for topic in topics:
            y = np.array([topic in label for label in labels], dtype=int)
            classifiers[topic] = make_topic_classifier().fit(x, y)
        sentiment = make_sentiment_classifier().fit(x, list(sentiments))
        return cls(
            version=version,
            topics=list(topics),
            features=features,
            topic_classifiers=classifiers,
            thresholds=dict(thresholds or dict.fromkeys(topics, 0.5)),
            sentiment_classifier=sentiment,
        )

    def topic_probabilities(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        return self._probabilities(self.features.transform(list(texts)))

    def _probabilities(self, x: csr_matrix) -> dict[str, np.ndarray]:
        """The calibrated classifiers' `predict_proba`, computed as one sparse product.

        scikit-learn validates its input on every call of every one of the 6 x 3 inner
        classifiers, which costs ~10 ms per mention when classifying one at a time; the
        arithmetic itself (decision function, sigmoid, mean over the folds) is tiny.
        """
        weights, bias, slope, offset = self._linear_form()
        sigmoid = expit(-(slope * (x @ weights + bias) + offset))
        folds = sigmoid.shape[1] // len(self.topic_classifiers)
        return {
            topic: sigmoid[:, i * folds : (i + 1) * folds].mean(axis=1)
            for i, topic in enumerate(self.topic_classifiers)
        }

    def _linear_form(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        cached = self.__dict__.get("_linear")
        if cached is None:
            parts = [
                (c.estimator.coef_[0], c.estimator.intercept_[0], cal.a_, cal.b_)
                for classifier in self.topic_classifiers.values()
                for c in classifier.calibrated_classifiers_
                for cal in c.calibrators
            ]
            cached = (
                np.column_stack([p[0] for p in parts]),
                np.array([p[1] for p in parts]),
                np.array([p[2] for p in parts]),
                np.array([p[3] for p in parts]),
            )
            self.__dict__["_linear"] = cached
        return cached

    def _sentiments(self, x: csr_matrix) -> np.ndarray:
        model = self.sentiment_classifier
        scores = x @ model.coef_.T + model.intercept_
        return model.classes_[np.argmax(scores, axis=1)]

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """One prediction per text, in order; batch for throughput."""
        return self.predict_features(texts)[0]

    def predict_features(self, texts: Sequence[str]) -> tuple[list[Prediction], csr_matrix]:
        """`predict`, and the feature rows it used (for `explain_rows`, without a second pass)."""
        if not texts:
            return [], csr_matrix((0, 0))
        x = csr_matrix(self.features.transform(list(texts)))
        probabilities = self._probabilities(x)
        moods = self._sentiments(x)
        predictions = []
        for i, mood in enumerate(moods):
            scores = {t: round(float(p[i]), 4) for t, p in probabilities.items()}
            topics = [t for t in self.topics if scores[t] >= self.thresholds[t]]
            predictions.append(Prediction(topics, scores, Sentiment(str(mood))))
        return predictions, x

    def explain(self, text: str, top: int = 5) -> dict[str, list[tuple[str, float]]]:
        """Per topic, the words of `text` that pushed its score up most, with their weight."""
        x = csr_matrix(self.features.transform([text]))
        return self.explain_row(x, 0, text, list(self.topic_classifiers), top, candidates=None)

    def explain_row(
        self,
        x: csr_matrix,
        row: int,
        text: str,
        topics: Sequence[str],
        top: int = 5,
        candidates: int | None = 60,
    ) -> dict[str, list[tuple[str, float]]]:
        """Per topic, the words that pushed it up: coefficient x tf-idf value per feature,
        averaged over the calibration folds, each feature's share given to the words it
        came from (a word bigram to both words, a character n-gram to the words that
        contain it, a lexicon tag to the words that triggered it). `candidates` keeps only
        the strongest features per topic, which is what makes it cheap enough to run on
        every mention; None weighs them all."""
        start, end = x.indptr[row], x.indptr[row + 1]
        indices, values = x.indices[start:end], x.data[start:end]
        names = self._feature_names()
        coefs = self._mean_coefficients()
        chosen: dict[str, list[tuple[str, float]]] = {}
        for topic in topics:
            coef = coefs.get(topic)
            if coef is None:
                continue
            contributions = values * coef[indices]
            order = np.argsort(-contributions, kind="stable")
            if candidates is not None:
                order = order[:candidates]
            chosen[topic] = [
                (str(names[indices[j]]), float(contributions[j]))
                for j in order
                if contributions[j] > 0
            ]
        normalised = normalise(text)
        words = normalised.split()
        tags = {n.partition("__")[2] for kept in chosen.values() for n, _ in kept}
        lexicon_hits = lexicon_words(text, [t for t in tags if t.startswith("lex_")], normalised)
        explanation: dict[str, list[tuple[str, float]]] = {}
        for topic, kept in chosen.items():
            weights: dict[str, float] = defaultdict(float)
            for name, value in kept:
                owners = _owners(name, words, lexicon_hits)
                for owner in owners:
                    weights[owner] += value / len(owners)
            ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
            explanation[topic] = [(w, round(v, 4)) for w, v in ranked[:top] if v > 0]
        return explanation

    def _feature_names(self) -> np.ndarray:
        cached = self.__dict__.get("_names")
        if cached is None:
            cached = self.features.get_feature_names_out()
            self.__dict__["_names"] = cached
        return cached

    def _mean_coefficients(self) -> dict[str, np.ndarray]:
        cached = self.__dict__.get("_mean_coef")
        if cached is None:
            cached = {
                topic: np.mean([c.estimator.coef_[0] for c in cl.calibrated_classifiers_], 0)
                for topic, cl in self.topic_classifiers.items()
            }
            self.__dict__["_mean_coef"] = cached
        return cached


def _owners(feature: str, words: list[str], lexicon_hits: dict[str, list[str]]) -> list[str]:
    """The words of the text a feature came from; its weight is shared among them."""
    kind, _, gram = feature.partition("__")
    if kind == "lexicon":
        return lexicon_hits.get(gram, [])
    if kind == "word":
        return [w for w in gram.split(" ") if any(ch.isalnum() for ch in w)]
    return sorted({w for w in words if gram in f" {w} "})
