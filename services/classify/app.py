"""Faust wiring of classify: raw mentions in, classified mentions out."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

import faust
from faust.types import EventT
from prometheus_client import Counter

from schemas import ClassifiedMention, Mention
from services.classify.artifacts import ensure_current
from services.classify.classifier import MentionClassifier
from services.classify.control import wire_control
from services.classify.learning import wire_learning
from services.classify.live_models import LiveModels, ModelPair, loader
from services.classify.settings import ClassifySettings
from services.common.faust_runtime import (
    DeadLetters,
    Pending,
    Rejected,
    decode,
    handle_batches,
    make_app,
    raw_topic,
    value_of,
)
from services.common.organisation import OrganisationConfigError, load_organisation_or_exit
from services.common.topics import TopicNames

CLASSIFIED = Counter("webcare_classified_total", "Mentions classified, per topic.", ["topic"])
log = logging.getLogger(__name__)


def build_classifier(settings: ClassifySettings) -> LiveModels:
    organisation = load_organisation_or_exit(settings.organisation_config)
    model = ensure_current(settings.model_dir, settings.model_version)
    try:
        classifier = MentionClassifier.for_organisation(model, organisation)
    except OrganisationConfigError as err:
        raise SystemExit(f"webcare: invalid organisation config: {err}") from err
    shadow = None
    if settings.shadow_version:
        shadow = loader(settings.model_dir, organisation)(settings.shadow_version)
    log.info("model loaded", extra={"model_version": classifier.version})
    return LiveModels(ModelPair(classifier, shadow), explain=settings.explain)


def build_app(settings: ClassifySettings) -> faust.App:
    classifier = build_classifier(settings)
    topics = TopicNames(settings.topic_prefix)
    app = make_app("classify", settings)
    organisation = load_organisation_or_exit(settings.organisation_config)
    wire_control(
        app,
        classifier,
        settings.kafka_bootstrap,
        topics.classify_control,
        loader(settings.model_dir, organisation),
    )
    wire_learning(app, topics, settings.topic_partitions)
    raw = raw_topic(app, topics.raw)
    classified = raw_topic(app, topics.classified)
    dead_letters = DeadLetters(app, topics, "classify")

    def classify_all(mentions: list[Mention]) -> list[ClassifiedMention | Exception]:
        """One model call for the batch; if it fails, one call per mention finds the culprit."""
        now = datetime.now(UTC)
        try:
            return list(classifier.classify(mentions, now))
        except Exception:
            log.exception("batch classification failed; classifying one by one")
        results: list[ClassifiedMention | Exception] = []
        for mention in mentions:
            try:
                [result] = classifier.classify([mention], now)
                results.append(result)
            except Exception as err:  # this mention alone is dead-lettered, not the batch
                results.append(err)
        return results

    async def classify_batch(events: Sequence[EventT]) -> list[Pending | BaseException]:
        outcomes: list[Pending | BaseException] = []
        mentions: list[Mention] = []
        for event in events:
            try:
                mentions.append(decode(Mention, value_of(event)))
                outcomes.append([])
            except Rejected as rejection:
                outcomes.append(rejection)
        results = iter(classify_all(mentions))
        for n, outcome in enumerate(outcomes):
            if isinstance(outcome, BaseException):
                continue
            result = next(results)
            if isinstance(result, Exception):
                outcomes[n] = result
                continue
            outcomes[n] = [
                await classified.send(
                    key=result.mention.relationship_id.encode(),
                    value=result.model_dump_json().encode(),
                )
            ]
            for topic in result.topics or ["none"]:
                CLASSIFIED.labels(topic=topic).inc()
        return outcomes

    @app.agent(raw, name="classify_mentions")
    async def classify_mentions(stream: faust.StreamT) -> None:
        await handle_batches(
            stream, classify_batch, dead_letters, settings.batch_max, settings.batch_within_s
        )

    return app
