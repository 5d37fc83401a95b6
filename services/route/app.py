"""Faust wiring of route: classified mentions in, routing decisions out."""

from __future__ import annotations

from datetime import UTC, datetime

import faust
from prometheus_client import Counter
from pydantic import ValidationError

from schemas import ClassifiedMention
from services.common.faust_runtime import DeadLetters, Rejected, handle_each, make_app, raw_topic
from services.common.metrics import STAGE_SECONDS
from services.common.organisation import load_organisation_or_exit
from services.common.topics import TopicNames
from services.route.policy import route
from services.route.settings import RouteSettings

ROUTED = Counter("webcare_routed_total", "Mentions routed, per department.", ["department"])


def build_app(settings: RouteSettings) -> faust.App:
    organisation = load_organisation_or_exit(settings.organisation_config)
    topics = TopicNames(settings.topic_prefix)
    app = make_app("route", settings)
    classified = raw_topic(app, topics.classified)
    routed = raw_topic(app, topics.routed)
    dead_letters = DeadLetters(app, topics, "route")

    async def route_one(value: bytes, key: bytes | None) -> None:
        with STAGE_SECONDS.labels(stage="route").time():
            try:
                mention = ClassifiedMention.model_validate_json(value)
            except ValidationError as err:
                raise Rejected("invalid_classified_mention", str(err)) from err
            decision = route(mention, organisation, datetime.now(UTC))
            await (
                await routed.send(
                    key=decision.relationship_id.encode(),
                    value=decision.model_dump_json().encode(),
                )
            )
        for target in decision.departments:
            ROUTED.labels(department=target.department).inc()

    @app.agent(classified, name="route_mentions")
    async def route_mentions(stream: faust.StreamT) -> None:
        await handle_each(stream, route_one, dead_letters)

    return app
