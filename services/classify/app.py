"""Faust wiring of classify: raw mentions in, classified mentions out."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import faust
from prometheus_client import Counter

from schemas import Mention
from services.classify.artifacts import ensure_current
from services.classify.classifier import MentionClassifier
from services.classify.control import wire_control
from services.classify.learning import wire_learning
from services.classify.live_models import LiveModels, ModelPair, loader
from services.classify.settings import ClassifySettings
from services.common.faust_runtime import (
    DeadLetters,
    decode,
    handle_each,
    make_app,
    raw_topic,
)
from services.common.metrics import STAGE_SECONDS
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

    async def classify_one(value: bytes, key: bytes | None) -> None:
        with STAGE_SECONDS.labels(stage="classify").time():
            mention = decode(Mention, value)
            [result] = classifier.classify([mention], datetime.now(UTC))
            await (
                await classified.send(
                    key=mention.relationship_id.encode(), value=result.model_dump_json().encode()
                )
            )
        for topic in result.topics or ["none"]:
            CLASSIFIED.labels(topic=topic).inc()

    @app.agent(raw, name="classify_mentions")
    async def classify_mentions(stream: faust.StreamT) -> None:
        await handle_each(stream, classify_one, dead_letters)

    return app
