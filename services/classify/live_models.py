"""The model versions a classify worker runs: the live one, and optionally a shadow.

The live model's answer is what the mention carries and what routing acts on; the
shadow's answer rides along in `ClassifiedMention.shadow`, and the topics on which the
two disagree are counted. Both are swapped as one object (`LiveModels.swap`): an agent
that read `current` keeps a consistent pair for the whole batch, and the next batch
sees the new pair — no restart, no half-promoted state. Pure Python, no Kafka.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from prometheus_client import Counter, Gauge

from schemas import ClassifiedMention, Mention, ModelCommand, ShadowPrediction
from services.classify.artifacts import load
from services.classify.classifier import MentionClassifier
from services.common.organisation import Organisation

SHADOW_COMPARED = Counter(
    "webcare_classify_shadow_compared_total",
    "Mentions classified by both the live and the shadow model.",
)
SHADOW_DISAGREEMENTS = Counter(
    "webcare_classify_shadow_disagreements_total",
    "Per topic, mentions the live and the shadow model disagree on (one has it, the other not).",
    ["topic"],
)
SHADOW_SENTIMENT_DISAGREEMENTS = Counter(
    "webcare_classify_shadow_sentiment_disagreements_total",
    "Mentions the live and the shadow model give a different sentiment.",
)
MODEL_INFO = Gauge(
    "webcare_classify_model_info", "The live model version in use (value 1).", ["version"]
)
MODEL_ROLE = Gauge(
    "webcare_classify_model_role_info",
    "1 for the model version running in a role (live, shadow) in this process.",
    ["role", "version"],
)


@dataclass(frozen=True)
class ModelPair:
    live: MentionClassifier
    shadow: MentionClassifier | None = None


def disagreements(live: Sequence[str], shadow: Sequence[str]) -> list[str]:
    """The topics exactly one of the two models gave the mention."""
    return sorted(set(live) ^ set(shadow))


class LiveModels:
    """What the agent classifies with; `classify` has `MentionClassifier.classify`'s shape."""

    def __init__(self, pair: ModelPair, explain: bool = True) -> None:
        self.current = pair
        self.explain = explain
        self._publish(None, pair)

    @property
    def version(self) -> str:
        return self.current.live.version

    def swap(self, change: Callable[[ModelPair], ModelPair]) -> ModelPair:
        """Replaces the pair in one assignment; returns the new one."""
        old = self.current
        new = change(old)
        self.current = new
        self._publish(old, new)
        return new

    def promote(self, classifier: MentionClassifier) -> ModelPair:
        """`classifier` goes live; a shadow of the same version ends (nothing left to compare)."""

        def change(pair: ModelPair) -> ModelPair:
            shadow = pair.shadow
            if shadow is not None and shadow.version == classifier.version:
                shadow = None
            return ModelPair(classifier, shadow)

        return self.swap(change)

    def set_shadow(self, classifier: MentionClassifier | None) -> ModelPair:
        return self.swap(lambda pair: replace(pair, shadow=classifier))

    def classify(self, mentions: Sequence[Mention], now: datetime) -> list[ClassifiedMention]:
        pair = self.current  # one read: the whole batch uses one consistent pair
        texts = [m.text for m in mentions]
        counts = pair.live.counts(texts)
        results = pair.live.classify(mentions, now, explain=self.explain, counts=counts)
        if pair.shadow is None:
            return results
        shared = pair.shadow.model.spec == pair.live.model.spec
        shadows = pair.shadow.predict(texts, counts if shared else None)
        out = []
        for result, other in zip(results, shadows, strict=True):
            SHADOW_COMPARED.inc()
            for topic in disagreements(result.topics, other.topics):
                SHADOW_DISAGREEMENTS.labels(topic=topic).inc()
            if other.sentiment != result.sentiment:
                SHADOW_SENTIMENT_DISAGREEMENTS.inc()
            shadow = ShadowPrediction(
                model_version=pair.shadow.version,
                topics=other.topics,
                scores=other.scores,
                sentiment=other.sentiment,
            )
            out.append(result.model_copy(update={"shadow": shadow}))
        return out

    @staticmethod
    def _publish(old: ModelPair | None, new: ModelPair) -> None:
        if old is not None:
            MODEL_INFO.labels(version=old.live.version).set(0)
            MODEL_ROLE.labels(role="live", version=old.live.version).set(0)
            if old.shadow is not None:
                MODEL_ROLE.labels(role="shadow", version=old.shadow.version).set(0)
        MODEL_INFO.labels(version=new.live.version).set(1)
        MODEL_ROLE.labels(role="live", version=new.live.version).set(1)
        if new.shadow is not None:
            MODEL_ROLE.labels(role="shadow", version=new.shadow.version).set(1)


def apply_command(
    models: LiveModels, command: ModelCommand, load: Callable[[str], MentionClassifier]
) -> ModelPair:
    """Carries out a control command: load the named version, then swap it in.

    Loading (seconds) happens before the swap, so the stream classifies with the old
    pair until the new one is whole; an unknown version raises and changes nothing.
    """
    if command.role == "shadow":
        if command.version is None:
            return models.set_shadow(None)
        current = models.current.shadow
        if current is not None and current.version == command.version:
            return models.current
        return models.set_shadow(load(command.version))
    if command.version is None:
        raise ValueError("a live command needs a version")
    if command.version == models.version:
        return models.current
    return models.promote(load(command.version))


def latest_commands(commands: Sequence[ModelCommand]) -> list[ModelCommand]:
    """The last command per role, live first: the state a (re)starting worker takes on."""
    last: dict[str, ModelCommand] = {}
    for command in commands:
        last[command.role] = command
    return [last[role] for role in ("live", "shadow") if role in last]


def loader(models_dir: Path, organisation: Organisation) -> Callable[[str], MentionClassifier]:
    """Loads a built version from `models_dir` with the organisation's rules on top."""

    def load_version(version: str) -> MentionClassifier:
        return MentionClassifier.for_organisation(load(version, models_dir), organisation)

    return load_version
