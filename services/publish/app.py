"""publish's wiring: conversation.events → the platform → conversation.events, on the batch loop.

Reads `reply_requested`, posts through the account's platform client, and
writes `replied` or `reply_failed` back onto the same topic, keyed like the
request (the relationship), so every reader sees them in the person's order.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Sequence
from datetime import UTC, datetime

import httpx
from aiokafka import ConsumerRecord

from schemas import ConversationEvent
from schemas import ConversationEventKind as Kind
from services.common.batch_loop import (
    BatchLoop,
    Handler,
    Outage,
    Output,
    batch_consumer,
    durable_aio_producer,
    watch_lag,
)
from services.common.faust_runtime import decode
from services.common.organisation import Organisation, load_organisation_or_exit
from services.common.organisation_accounts import CredentialsMissing
from services.common.topics import TopicNames
from services.publish.ledger import Ledger
from services.publish.platforms.base import Channel
from services.publish.platforms.bluesky import BlueskyChannel
from services.publish.platforms.mastodon import MastodonChannel
from services.publish.platforms.webhook import WebhookChannel
from services.publish.publisher import NoChannel, Publisher, RetryPolicy, Unavailable
from services.publish.settings import PublishSettings

log = logging.getLogger(__name__)

STAGE = "publish"


class Channels:
    """One client per account (and per webhook source), made when first needed."""

    def __init__(self, organisation: Organisation, client: httpx.AsyncClient) -> None:
        self.organisation = organisation
        self.client = client
        self.made: dict[str, Channel] = {}

    def __call__(self, event: ConversationEvent) -> Channel:
        source = event.reply_to.source if event.reply_to else event.channel
        webhooks = {w.source: w for w in self.organisation.sources.webhooks if w.reply_url}
        if source in webhooks:
            key = f"webhook:{source}"
            if key not in self.made:
                hook = webhooks[source]
                secret = os.environ.get(hook.secret_env or "", "")
                if not secret:
                    raise NoChannel(f"webhook source {source}: {hook.secret_env} is empty")
                self.made[key] = WebhookChannel(hook, self.client, secret)
            return self.made[key]
        accounts = {a.id: a for a in self.organisation.accounts}
        account = accounts.get(event.account or "")
        if account is None:
            raise NoChannel(f"no account {event.account!r} in the organisation config")
        if account.id not in self.made:
            try:
                secret = account.credential()
            except CredentialsMissing as err:
                raise NoChannel(str(err)) from err
            channel: Channel
            if account.platform == "mastodon":
                channel = MastodonChannel(account, self.client, secret)
            else:
                channel = BlueskyChannel(account, self.client, secret)
            self.made[account.id] = channel
        return self.made[account.id]


def make_handler(publisher: Publisher, topics: TopicNames) -> Handler:
    async def handle(record: ConsumerRecord[bytes, bytes]) -> Sequence[Output]:
        if b'"reply_requested"' not in (record.value or b""):
            return []  # most events are not for publish: skip them without decoding
        event = decode(ConversationEvent, record.value or b"")
        if event.kind is not Kind.REPLY_REQUESTED:
            return []
        try:
            outcome = await publisher.handle(event)
        except Unavailable as err:
            raise Outage(str(err)) from err
        if outcome is None:
            return []
        return [Output(topics.conversation_events, outcome.model_dump_json().encode(), record.key)]

    return handle


async def run(settings: PublishSettings, stop: asyncio.Event | None = None) -> None:
    organisation = load_organisation_or_exit(settings.organisation_config)
    topics = TopicNames(settings.topic_prefix)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    ledger = Ledger(settings.ledger())
    async with httpx.AsyncClient(timeout=settings.timeout_s) as client:
        publisher = Publisher(
            Channels(organisation, client),
            ledger,
            lambda: datetime.now(UTC),
            RetryPolicy(settings.attempts, settings.retry_base_s, settings.retry_cap_s),
        )
        group = f"{settings.topic_prefix}-publish"
        consumer = batch_consumer(
            settings.kafka_bootstrap,
            group,
            [topics.conversation_events],
            "webcare-publish",
        )
        producer = durable_aio_producer(settings.kafka_bootstrap, "webcare-publish")
        await producer.start()
        await consumer.start()
        log.info("publish started", extra={"accounts": [a.id for a in organisation.accounts]})
        lag = asyncio.create_task(
            watch_lag(
                settings.kafka_bootstrap,
                group,
                [topics.conversation_events],
                settings.lag_interval_s,
                stop,
            )
        )
        try:
            await BatchLoop(
                consumer,
                producer,
                make_handler(publisher, topics),
                STAGE,
                topics.dlq,
                max_records=settings.batch_max,
                backoff_base_s=settings.retry_base_s,
                backoff_cap_s=settings.retry_cap_s,
            ).run(stop)
        finally:
            stop.set()
            await lag
            await consumer.stop()
            await producer.stop()
            ledger.close()
