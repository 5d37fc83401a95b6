"""Fits the model reproducibly: cross-validation by whole groups, calibration, thresholds.

The training data is cut into folds of whole groups (a group is one written file, i.e.
one writer's batch, or the variants of one generated line, or one correction), so a
fold is always predicted by a model that saw nothing of its writer or its line. The
out-of-fold scores then serve three purposes: each topic's calibration (a logistic map
of every topic's and sentiment's score), each
topic's threshold (best F1, moved halfway back to 0.5), and the validation numbers
reported with the model, all three on the written (not generated) examples when there
are enough of them. Finally one model is fitted on everything with that
calibration and those thresholds. Nothing here reads a held-out or independent file.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix, diags
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from schemas import Sentiment
from services.classify.corpus import LabelledExample
from services.classify.evaluation import Evaluation, evaluate
from services.classify.features import FeatureSpec, Weighting, canonical, count_features
from services.classify.model import TopicModel

SEED = 4
VALIDATION_FOLDS = 4
MIN_SCORED = 200
THRESHOLD_GRID = tuple(round(float(t), 2) for t in np.arange(0.15, 0.86, 0.05))


@dataclass(frozen=True)
class ModelOptions:
    """What model choice on the validation folds decides; the defaults are the choice."""

    spec: FeatureSpec = field(default_factory=FeatureSpec)
    min_df: int = 2
    # Weight of the word, character and lexicon blocks (each has norm 1 before it).
    block_scale: tuple[float, float, float] = (1.0, 1.0, 1.0)
    # The same for the sentiment classifier, relative to `block_scale`: it is trained on
    # rescaled blocks and the scale folded into its weights, so it costs nothing to predict.
    sentiment_block_scale: tuple[float, float, float] = (1.5, 0.5, 1.5)
    classifier: str = "svm"  # LinearSVC (squared hinge), "logistic", or "both" averaged
    topic_c: float = 0.5
    nb_scaled: bool = True
    sentiment_c: float = 4.0
    sentiment_nb_scaled: bool = False
    # Calibrate each topic on every topic's and sentiment's out-of-fold score (not only its own).
    stacked_calibration: bool = True
    # Weight of an example from a group marked `generated` (the old generator's variants).
    generated_weight: float = 1.0


@dataclass(frozen=True)
class TrainingResult:
    model: TopicModel
    thresholds: dict[str, float]
    validation: Evaluation
    out_of_fold: dict[str, np.ndarray]


@dataclass(frozen=True)
class _Linear:
    weighting: Weighting
    topic_weights: np.ndarray
    topic_bias: np.ndarray
    sentiment_weights: np.ndarray
    sentiment_bias: np.ndarray
    sentiment_classes: list[str]

    def decision(self, counts: csr_matrix) -> np.ndarray:
        x, _ = self.weighting.transform(counts)
        return np.asarray(x @ self.topic_weights) + self.topic_bias

    def mood_scores(self, counts: csr_matrix, classes: Sequence[str]) -> np.ndarray:
        """Scores per class in `classes` order; a class this fit never saw scores -5."""
        x, _ = self.weighting.transform(counts)
        scores = np.asarray(x @ self.sentiment_weights) + self.sentiment_bias
        ordered = np.full((counts.shape[0], len(classes)), -5.0)
        for j, c in enumerate(classes):
            if c in self.sentiment_classes:
                ordered[:, j] = scores[:, self.sentiment_classes.index(c)]
        return ordered


def best_threshold(probabilities: np.ndarray, truth: np.ndarray) -> float:
    """The threshold with the best F1; ties go to the one nearest 0.5 (least surprising)."""

    def f1(threshold: float) -> float:
        predicted = probabilities >= threshold
        tp = int(np.sum(predicted & truth))
        denominator = int(np.sum(predicted)) + int(np.sum(truth))
        return 2 * tp / denominator if denominator else 0.0

    return max(THRESHOLD_GRID, key=lambda t: (round(f1(t), 6), -abs(t - 0.5)))


def shrunk(threshold: float) -> float:
    """Halfway back to 0.5: a threshold picked on a few hundred groups is noisy."""
    return round((threshold + 0.5) / 2, 3)


def group_folds(
    examples: Sequence[LabelledExample], folds: int = VALIDATION_FOLDS, seed: int = SEED
) -> list[set[str]]:
    """Whole groups per fold, shuffled reproducibly, biggest first so the folds are even."""
    sizes: dict[str, int] = {}
    for e in examples:
        sizes[e.family] = sizes.get(e.family, 0) + 1
    groups = sorted(sizes)
    random.Random(seed).shuffle(groups)
    groups.sort(key=lambda g: -sizes[g])
    chosen: list[set[str]] = [set() for _ in range(folds)]
    filled = [0] * folds
    for group in groups:
        smallest = filled.index(min(filled))
        chosen[smallest].add(group)
        filled[smallest] += sizes[group]
    return [fold for fold in chosen if fold]


def _binary(
    x: csr_matrix, y: np.ndarray, weights: np.ndarray, c: float, kind: str, nb_scaled: bool = False
) -> tuple[np.ndarray, float]:
    """coef, intercept of one yes/no linear classifier; a constant when `y` is.

    `kind` "both" averages a LinearSVC and a logistic regression (each divided by the
    spread of its scores on the training rows): still one linear model to predict with.
    """
    if y.min() == y.max():
        return np.zeros(x.shape[1]), 5.0 if y[0] else -5.0
    scale = np.ones(x.shape[1])
    if nb_scaled:
        # NB-SVM (Wang and Manning 2012): each feature scaled by its log-count ratio
        # between the classes; the scale folds into the weights.
        present = x.copy()
        present.data[:] = 1.0
        positive = np.asarray(present[y == 1].sum(axis=0)).ravel() + 1.0
        negative = np.asarray(present[y == 0].sum(axis=0)).ravel() + 1.0
        scale = np.log((positive / positive.sum()) / (negative / negative.sum()))
        x = x @ diags(scale)
    if kind == "both":
        fits = [
            _linear_fit(x, y, weights, c_kind, k) for k, c_kind in (("svm", c), ("logistic", 8 * c))
        ]
        spreads = [max(float(np.std(x @ coef + bias)), 1e-9) for coef, bias in fits]
        coef = sum(f[0] / s for f, s in zip(fits, spreads, strict=True)) / 2
        bias = sum(f[1] / s for f, s in zip(fits, spreads, strict=True)) / 2
        return coef * scale, float(bias)
    coef, bias = _linear_fit(x, y, weights, c, kind)
    return coef * scale, bias


def _linear_fit(
    x: csr_matrix, y: np.ndarray, weights: np.ndarray, c: float, kind: str
) -> tuple[np.ndarray, float]:
    classifier: LogisticRegression | LinearSVC
    if kind == "svm":
        classifier = LinearSVC(C=c, class_weight="balanced", random_state=SEED, max_iter=5000)
    else:  # the dual solver: fast when there are more features than examples
        classifier = LogisticRegression(
            C=c,
            class_weight="balanced",
            solver="liblinear",
            dual=True,
            random_state=SEED,
            max_iter=5000,
        )
    classifier.fit(x, y, sample_weight=weights)
    return classifier.coef_[0].copy(), float(classifier.intercept_[0])


def _fit_linear(
    counts: csr_matrix,
    labels: np.ndarray,
    sentiments: np.ndarray,
    weights: np.ndarray,
    options: ModelOptions,
) -> _Linear:
    """Topics one against the rest each; sentiment one class against the others each
    (argmax of the three scores), which trains ~20x faster than a multinomial fit."""
    weighting = Weighting.fit(counts, options.min_df, options.block_scale)
    x, _ = weighting.transform(counts)
    topic_fits = [
        _binary(x, labels[:, j], weights, options.topic_c, options.classifier, options.nb_scaled)
        for j in range(labels.shape[1])
    ]
    classes = sorted(set(sentiments.tolist()))
    column_scale = np.asarray(options.sentiment_block_scale)[weighting.blocks]
    mood_x = x @ diags(column_scale)
    mood_fits = [
        _binary(
            mood_x,
            (sentiments == c).astype(int),
            weights,
            options.sentiment_c,
            "logistic",
            options.sentiment_nb_scaled,
        )
        for c in classes
    ]
    mood_fits = [(coef * column_scale, bias) for coef, bias in mood_fits]
    return _Linear(
        weighting,
        np.column_stack([f[0] for f in topic_fits]).reshape(x.shape[1], len(topic_fits)),
        np.array([f[1] for f in topic_fits]),
        np.column_stack([f[0] for f in mood_fits]).reshape(x.shape[1], len(mood_fits)),
        np.array([f[1] for f in mood_fits]),
        classes,
    )


def _calibration(
    topic_scores: np.ndarray, mood_scores: np.ndarray, labels: np.ndarray, stacked: bool
) -> np.ndarray:
    """(topics + classes + 1) x topics: per topic, the logistic map from out-of-fold scores
    to the truth. Plain: its own score only (Platt scaling). Stacked: every topic's and
    sentiment's score, so "complaints" can lean on the negative sentiment score; still one
    linear map, so prediction costs a small product more."""
    k, m = topic_scores.shape[1], mood_scores.shape[1]
    calibration = np.zeros((k + m + 1, k))
    inputs = np.hstack([topic_scores, mood_scores])
    for j in range(k):
        truth = labels[:, j]
        if truth.min() == truth.max():
            calibration[j, j] = 1.0
            continue
        if stacked:
            fitted = LogisticRegression(C=1.0, max_iter=1000).fit(inputs, truth)
            calibration[: k + m, j] = fitted.coef_[0]
        else:
            fitted = LogisticRegression(C=100.0).fit(topic_scores[:, [j]], truth)
            calibration[j, j] = fitted.coef_[0, 0]
        calibration[-1, j] = fitted.intercept_[0]
    return calibration


def train(
    examples: Sequence[LabelledExample],
    topics: Sequence[str],
    version: str,
    options: ModelOptions | None = None,
) -> TrainingResult:
    """Out-of-fold scores over group folds calibrate and choose thresholds; one fit on all."""
    options = options or ModelOptions()
    counts = canonical(count_features([e.text for e in examples], options.spec).matrix)
    labels = np.array([[t in e.topics for t in topics] for e in examples], dtype=int)
    labels = labels.reshape(len(examples), len(topics))
    moods = np.array([e.sentiment.value for e in examples])
    weights = np.array([options.generated_weight if e.generated else 1.0 for e in examples])
    classes = sorted(set(moods.tolist()))
    out_of_fold = np.zeros((len(examples), len(topics)))
    mood_scores = np.zeros((len(examples), len(classes)))
    families = np.array([e.family for e in examples])
    for fold in group_folds(examples):
        held = np.isin(families, list(fold))
        inside = ~held
        probe = _fit_linear(counts[inside], labels[inside], moods[inside], weights[inside], options)
        out_of_fold[held] = probe.decision(counts[held])
        mood_scores[held] = probe.mood_scores(counts[held], classes)
    predicted_moods = np.asarray(classes)[np.argmax(mood_scores, axis=1)]
    # Calibrate, choose thresholds and report on what the model will meet: written
    # mentions, when there are enough; the generator's variants only train.
    scored = np.array([not e.generated for e in examples])
    if scored.sum() < MIN_SCORED:
        scored[:] = True
    calibration = _calibration(
        out_of_fold[scored], mood_scores[scored], labels[scored], options.stacked_calibration
    )
    k = len(topics)
    probabilities = expit(
        out_of_fold @ calibration[:k] + mood_scores @ calibration[k:-1] + calibration[-1]
    )
    thresholds = {
        t: shrunk(best_threshold(probabilities[scored, j], labels[scored, j].astype(bool)))
        for j, t in enumerate(topics)
    }
    kept = [i for i in range(len(examples)) if scored[i]]
    validation = evaluate(
        [examples[i].topics for i in kept],
        [[t for j, t in enumerate(topics) if probabilities[i, j] >= thresholds[t]] for i in kept],
        [examples[i].sentiment for i in kept],
        [Sentiment(predicted_moods[i]) for i in kept],
        topics,
    )
    final = _fit_linear(counts, labels, moods, weights, options)
    model = TopicModel(
        version=version,
        topics=list(topics),
        spec=options.spec,
        weighting=final.weighting,
        topic_weights=final.topic_weights,
        topic_bias=final.topic_bias,
        calibration=calibration,
        thresholds=thresholds,
        sentiment_weights=final.sentiment_weights,
        sentiment_bias=final.sentiment_bias,
        sentiment_classes=final.sentiment_classes,
    )
    oof = {t: probabilities[:, j] for j, t in enumerate(topics)}
    return TrainingResult(model, thresholds, validation, oof)


def predict_and_evaluate(
    model: TopicModel, examples: Sequence[LabelledExample], topics: Sequence[str]
) -> Evaluation:
    predictions = model.predict([e.text for e in examples])
    return evaluate(
        [e.topics for e in examples],
        [p.topics for p in predictions],
        [e.sentiment for e in examples],
        [p.sentiment for p in predictions],
        topics,
    )
