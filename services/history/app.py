"""Faust wiring of history: one agent per topic writes to the database; the API runs alongside.

Each agent validates the bytes with the topic's contract, dead-letters what
does not fit, and applies the rest in a worker thread so the event loop (which
also serves HTTP) never waits on the database. A database that does not answer
is an outage: the agent waits for it and stores the same batch again
(`Outage`, handled by `handle_batches`), nothing is dead-lettered. The FastAPI
app is served by uvicorn inside the same worker, as a Faust service, and leaves
SIGTERM to the worker so one owner drives a graceful shutdown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

import faust
from faust.contrib.asgi import AsgiService
from faust.types import EventT
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from schemas import ClassifiedMention, ConversationEvent, DeliveryReceipt, Mention, RoutingDecision
from services.common.clock import make_clock
from services.common.faust_runtime import (
    BatchHandler,
    DeadLetters,
    Outage,
    Pending,
    Rejected,
    decode,
    handle_batches,
    make_app,
    raw_topic,
    value_of,
)
from services.common.http_timeouts import timed_h11
from services.common.metrics import HEARTBEAT, STAGE_SECONDS, with_heartbeat
from services.common.organisation import Organisation
from services.common.rate_limit import TokenBuckets
from services.common.topics import TopicNames
from services.history.api import create_api
from services.history.api_deps import ApiContext
from services.history.database import session_factories
from services.history.department_stream import DepartmentStreams, StreamSlots
from services.history.inbox.sso import SingleSignOn, SsoConfig
from services.history.overdue import count_overdue, publish
from services.history.projection import (
    CLAIM_TTL,
    DatabaseUnavailable,
    Message,
    ProjectionFailed,
    project,
    project_batch,
)
from services.history.publisher import EventPublisher
from services.history.settings import HistorySettings

STAGE = "history"

log = logging.getLogger(__name__)

Handler = Callable[[bytes, bytes | None], Awaitable[None]]


def projector(
    model: type[Message], session_factory: Callable[[], Session], claim_ttl: timedelta = CLAIM_TTL
) -> Handler:
    """The per-message handler of one topic: validate, then store in a thread."""

    async def handle(value: bytes, _key: bytes | None) -> None:
        with STAGE_SECONDS.labels(stage=STAGE).time():
            message = decode(model, value)
            try:
                await asyncio.to_thread(project, session_factory, message, None, claim_ttl)
            except ProjectionFailed as err:
                raise Rejected("projection_failed", f"{err}: {err.__cause__}") from err
            except DatabaseUnavailable as err:
                raise Outage("database_unavailable", f"{err}: {err.__cause__}") from err

    return handle


def batch_projector(
    model: type[Message], session_factory: Callable[[], Session], claim_ttl: timedelta = CLAIM_TTL
) -> BatchHandler:
    """The batch handler of one topic: validate each, then store them all in one transaction."""

    async def handle(events: Sequence[EventT]) -> list[Pending | BaseException]:
        outcomes: list[Pending | BaseException] = []
        messages: list[Message] = []
        for event in events:
            try:
                messages.append(decode(model, value_of(event)))
                outcomes.append([])
            except Rejected as rejection:
                outcomes.append(rejection)
        failures: list[BaseException | None]
        try:
            failures = list(
                await asyncio.to_thread(project_batch, session_factory, messages, None, claim_ttl)
            )
        except DatabaseUnavailable as err:  # every valid message waits (handle_batches)
            failures = [Outage("database_unavailable", f"{err}: {err.__cause__}")] * len(messages)
        stored = iter(failures)
        for n, outcome in enumerate(outcomes):
            if isinstance(outcome, BaseException):
                continue
            failure = next(stored)
            if isinstance(failure, ProjectionFailed):
                outcomes[n] = Rejected("projection_failed", f"{failure}: {failure.__cause__}")
            elif failure is not None:
                outcomes[n] = failure
        return outcomes

    return handle


def api_service(
    api: Callable[..., Awaitable[None]],
    host: str,
    port: int,
    settings: HistorySettings | None = None,
) -> type[AsgiService]:
    """A Faust service serving `api` with uvicorn on the worker's loop.

    faust's AsgiService turns uvicorn's `capture_signals` into a no-op (SIGTERM
    stays with the Faust worker, which stops this service) and sets
    `should_exit` when the service stops. uvicorn speaks h11 with deadlines for a
    request's headers and body (`services/common/http_timeouts.py`).
    """
    settings = settings or HistorySettings()
    return type(
        "HistoryApi",
        (AsgiService,),
        {
            "asgi_app": api,
            "host": host,
            "port": port,
            "uvicorn_options": {
                "timeout_graceful_shutdown": 5,
                "access_log": False,
                "http": timed_h11(settings.header_timeout_s, settings.body_timeout_s),
            },
        },
    )


def build_app(
    settings: HistorySettings,
    engine: Engine,
    organisation: Organisation | None = None,
    publisher: EventPublisher | None = None,
) -> faust.App:
    app = make_app(STAGE, settings)
    topics = TopicNames(settings.topic_prefix)
    dead_letters = DeadLetters(app, topics, STAGE)
    readers, writers = session_factories(engine)
    claim_ttl = settings.claim_ttl
    inputs: list[tuple[str, str, type[Message]]] = [
        ("mentions", topics.raw, Mention),
        ("classified", topics.classified, ClassifiedMention),
        ("routed", topics.routed, RoutingDecision),
        ("receipts", topics.notifications_sent, DeliveryReceipt),
        ("events", topics.conversation_events, ConversationEvent),
    ]
    for label, topic_name, model in inputs:
        _add_agent(
            app,
            f"history.store_{label}",
            raw_topic(app, topic_name),
            batch_projector(model, writers, claim_ttl),
            dead_letters,
            settings,
        )
    context = ApiContext(
        readers=readers,
        writers=writers,
        publisher=publisher or EventPublisher(settings.kafka_bootstrap, topics.conversation_events),
        admin_key=settings.admin_key,
        claim_ttl=claim_ttl,
        action_wait_s=settings.action_wait_s,
        departments=organisation.department_slugs if organisation else [],
        topics=[t.slug for t in organisation.topics] if organisation else [],
        streams=DepartmentStreams(
            settings.kafka_bootstrap,
            topics,
            settings.stream_heartbeat_s,
            StreamSlots(settings.streams_max, settings.streams_per_key),
        ),
        public_url=settings.public_url.rstrip("/"),
        session_lifetime=timedelta(hours=settings.session_hours),
        department_names={d.slug: d.name for d in organisation.departments} if organisation else {},
        clock=make_clock(settings.clock_file),
        sso=single_sign_on(settings),
        organisation=organisation,
    )
    api = create_api(
        context,
        per_address=TokenBuckets(settings.rate_per_address, settings.burst_per_address),
        per_key=TokenBuckets(settings.rate_per_key, settings.burst_per_key),
    )
    app.service(
        api_service(
            with_heartbeat(api, HEARTBEAT, settings.health_stall_s),
            settings.host,
            settings.port,
            settings,
        )
    )
    watch_overdue(app, readers, context.departments, settings.gauge_interval_s)
    return app


def single_sign_on(settings: HistorySettings) -> SingleSignOn | None:
    """The inbox's OpenID Connect client, when WEBCARE_OIDC_ISSUER is set (settings checked it)."""
    secret = settings.oidc_client_secret
    if not settings.oidc_issuer or secret is None:
        return None
    return SingleSignOn(
        SsoConfig(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=secret.get_secret_value(),
            redirect_uri=f"{settings.public_url.rstrip('/')}/login/sso/callback",
            username_claim=settings.oidc_username_claim,
            scopes=settings.oidc_scopes,
        )
    )


def watch_overdue(
    app: faust.App,
    session_factory: Callable[[], Session],
    departments: Sequence[str],
    interval_s: float,
) -> None:
    """Every department's overdue series at 0 now, then recounted every `interval_s` (a task)."""
    publish(dict.fromkeys(departments, 0))

    def count() -> dict[str, int]:
        with session_factory() as session:
            return count_overdue(session, departments, datetime.now(UTC))

    async def overdue_gauge() -> None:
        failing = False
        while not app.should_stop:
            try:
                publish(await asyncio.to_thread(count))
            except SQLAlchemyError as err:
                # Monitoring must never stop the worker: keep the last values, say it once.
                if not failing:
                    log.warning("overdue count unavailable", extra={"error": repr(err)})
                failing = True
            else:
                failing = False
            await asyncio.sleep(interval_s)

    if departments:
        app.task(overdue_gauge)


def _add_agent(
    app: faust.App,
    name: str,
    topic: faust.types.TopicT,
    handler: BatchHandler,
    dead_letters: DeadLetters,
    settings: HistorySettings,
) -> None:
    async def store(stream: faust.StreamT) -> None:
        await handle_batches(
            stream, handler, dead_letters, settings.batch_max, settings.batch_within_s
        )

    app.agent(topic, name=name)(store)
