"""Faust wiring of notify: routing decisions in; department topics, webhooks and receipts out.

Idempotency keys live in a changelog-backed Faust table, written after each
effect: a redelivered decision skips what was already delivered.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime

import faust
import httpx
from prometheus_client import Counter, Histogram

from schemas import DeliveryOutcome, DeliveryReceipt, DepartmentDelivery, RoutingDecision
from services.common.faust_runtime import (
    DeadLetters,
    Rejected,
    decode,
    handle_each,
    make_app,
    raw_topic,
)
from services.common.metrics import STAGE_SECONDS
from services.common.organisation import Organisation, load_organisation_or_exit
from services.common.topics import TopicNames
from services.notify.deliveries import deliveries_for, idempotency_key
from services.notify.settings import NotifySettings
from services.notify.webhook import Attempt, WebhookSender

log = logging.getLogger(__name__)

NOTIFICATIONS = Counter(
    "webcare_notifications_total",
    "Delivery attempts, per channel and outcome.",
    ["channel", "outcome"],
)
END_TO_END = Histogram(
    "webcare_end_to_end_latency_seconds",
    "From ingest accepting a mention to its delivery on a department topic.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)


def build_app(settings: NotifySettings) -> faust.App:
    organisation = load_organisation_or_exit(settings.organisation_config)
    topics = TopicNames(settings.topic_prefix)
    app = make_app("notify", settings)
    routed = raw_topic(app, topics.routed)
    receipts = raw_topic(app, topics.notifications_sent)
    department_topics = {
        slug: raw_topic(app, topics.department(slug)) for slug in organisation.department_slugs
    }
    dead_letters = DeadLetters(app, topics, "notify")
    delivered = app.Table("delivered", default=None, partitions=settings.topic_partitions)
    sender_box: dict[str, WebhookSender] = {}

    @app.task
    async def open_http_client() -> None:
        client = httpx.AsyncClient(timeout=settings.webhook_timeout_s)
        sender_box["sender"] = WebhookSender(
            client, settings.webhook_attempts, settings.retry_base_s
        )

    async def write_receipt(
        delivery: DepartmentDelivery,
        channel: str,
        target: str,
        outcome: DeliveryOutcome,
        attempt: Attempt | None,
    ) -> None:
        number = attempt.number if attempt else 1
        receipt = DeliveryReceipt(
            receipt_id=f"{idempotency_key(delivery, channel, target)}|{number}",
            delivery_id=delivery.delivery_id,
            mention_id=delivery.mention.id,
            relationship_id=delivery.relationship_id,
            department=delivery.department,
            channel=channel,
            target=target,
            outcome=outcome,
            attempt=number,
            status_code=attempt.status_code if attempt else None,
            error=attempt.error if attempt else None,
            ingested_at=delivery.mention.ingested_at,
            at=datetime.now(UTC),
        )
        NOTIFICATIONS.labels(channel=channel, outcome=outcome.value).inc()
        await (
            await receipts.send(
                key=delivery.relationship_id.encode(), value=receipt.model_dump_json().encode()
            )
        )

    async def to_department_topic(delivery: DepartmentDelivery) -> None:
        topic = department_topics[delivery.department]
        key = idempotency_key(delivery, "kafka", topic.get_topic_name())
        if delivered.get(key):
            return
        await (
            await topic.send(
                key=delivery.relationship_id.encode(), value=delivery.model_dump_json().encode()
            )
        )
        END_TO_END.observe((datetime.now(UTC) - delivery.mention.ingested_at).total_seconds())
        await write_receipt(
            delivery, "kafka", topic.get_topic_name(), DeliveryOutcome.DELIVERED, None
        )
        delivered[key] = True

    async def to_webhooks(delivery: DepartmentDelivery, org: Organisation) -> None:
        for hook in org.department(delivery.department).webhooks:
            url = str(hook.url)
            key = idempotency_key(delivery, "webhook", url)
            if delivered.get(key):
                continue
            secret = os.environ.get(hook.secret_env) if hook.secret_env else None
            attempts = await sender_box["sender"].post(
                url, delivery.model_dump_json().encode(), key, secret
            )
            for attempt in attempts[:-1]:
                await write_receipt(delivery, "webhook", url, DeliveryOutcome.FAILED, attempt)
            last = attempts[-1]
            outcome = DeliveryOutcome.DELIVERED if last.ok else DeliveryOutcome.DEAD_LETTERED
            await write_receipt(delivery, "webhook", url, outcome, last)
            if not last.ok:
                log.warning(
                    "webhook gave up",
                    extra={"mention_id": delivery.mention.id, "department": delivery.department},
                )
            delivered[key] = True

    async def notify_one(value: bytes, key: bytes | None) -> None:
        with STAGE_SECONDS.labels(stage="notify").time():
            decision = decode(RoutingDecision, value)
            unknown = [
                r.department for r in decision.departments if r.department not in department_topics
            ]
            if unknown:
                raise Rejected("unknown_department", ", ".join(unknown))
            for delivery in deliveries_for(decision, settings.api_base_url, datetime.now(UTC)):
                await to_department_topic(delivery)
                await to_webhooks(delivery, organisation)

    @app.agent(routed, name="notify_departments")
    async def notify_departments(stream: faust.StreamT) -> None:
        await handle_each(stream, notify_one, dead_letters)

    return app
