"""Faust wiring of classify: raw mentions in, classified mentions out."""

from __future__ import annotations

from datetime import UTC, datetime

import faust
from prometheus_client import Counter
from pydantic import ValidationError

from schemas import Mention
from services.classify.keywords import KeywordClassifier
from services.classify.settings import ClassifySettings
from services.common.faust_runtime import DeadLetters, Rejected, handle_each, make_app, raw_topic
from services.common.metrics import STAGE_SECONDS
from services.common.organisation import load_organisation_or_exit
from services.common.topics import TopicNames

CLASSIFIED = Counter("webcare_classified_total", "Mentions classified, per topic.", ["topic"])


def build_app(settings: ClassifySettings) -> faust.App:
    organisation = load_organisation_or_exit(settings.organisation_config)
    classifier = KeywordClassifier.from_organisation(organisation)
    topics = TopicNames(settings.topic_prefix)
    app = make_app("classify", settings)
    raw = raw_topic(app, topics.raw)
    classified = raw_topic(app, topics.classified)
    dead_letters = DeadLetters(app, topics, "classify")

    async def classify_one(value: bytes, key: bytes | None) -> None:
        with STAGE_SECONDS.labels(stage="classify").time():
            try:
                mention = Mention.model_validate_json(value)
            except ValidationError as err:
                raise Rejected("invalid_mention", str(err)) from err
            result = classifier.classify(mention, datetime.now(UTC))
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
