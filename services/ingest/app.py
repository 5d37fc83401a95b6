"""The ingest HTTP API: `POST /v1/mentions` (one mention or a batch)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.requests import ClientDisconnect

from services.common.rate_limit import retry_after_header
from services.ingest.connectors import Backoff, Connector, run_all
from services.ingest.cursors import CursorStore
from services.ingest.normalise import InvalidMention, normalise, parse_batch
from services.ingest.publisher import MentionPublisher, PublishFailed
from services.ingest.refusals import Refusal, RefusalLetters
from services.ingest.settings import IngestSettings
from services.ingest.signatures import WebhookAuth
from services.ingest.throttle import Throttle

log = logging.getLogger(__name__)


class Accepted(BaseModel):
    accepted: int
    ids: list[str]


class Problem(BaseModel):
    error: str
    problems: list[str]


def _source_hint(body: bytes) -> str:
    """The `source` field of a refused body, for the metric label; 'unknown' when unreadable."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return "unknown"
    first = data[0] if isinstance(data, list) and data else data
    source = first.get("source") if isinstance(first, dict) else None
    return (
        source
        if isinstance(source, str) and source.isidentifier() and len(source) < 30
        else ("unknown")
    )


def _report_stopped(task: asyncio.Task[None]) -> None:
    """An error that ended the connectors is logged, not left for garbage collection to show."""
    error = None if task.cancelled() else task.exception()
    if error is not None:
        log.error("connectors stopped", exc_info=error, extra={"error": type(error).__name__})


def create_app(
    settings: IngestSettings,
    publisher: MentionPublisher,
    handles: Sequence[str],
    connectors: Sequence[Connector] = (),
    load_cursors: Callable[[], CursorStore] | None = None,
    auth: WebhookAuth | None = None,
    clock: Callable[[], float] = time.time,
) -> FastAPI:
    """The HTTP endpoint; the connectors, if any, run on the same event loop for its lifetime.

    `handles` are the organisation's own accounts (`channels.own_identities`), whose posts
    are marked `from_organisation`. `auth` says which sources may post and how they sign
    (`signatures.load_auth`); without it every body is refused. `clock` is the wall clock
    signatures are checked against.
    """
    webhooks = auth if auth is not None else WebhookAuth()
    throttle = Throttle.of(settings)
    letters = RefusalLetters(
        publisher, settings.dead_letter_rate, settings.dead_letter_burst, settings.dead_letter_queue
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with letters.running():
            if not connectors or load_cursors is None:
                yield
                return
            async with _connectors_running(settings, connectors, publisher, load_cursors):
                yield

    app = FastAPI(title="webcare ingest", version="1", lifespan=lifespan)

    def refuse(status: int, body: bytes, reason: str, problems: list[str]) -> JSONResponse:
        letters.offer(Refusal(body, reason, "; ".join(problems), _source_hint(body)))
        return JSONResponse(
            status_code=status, content=Problem(error=reason, problems=problems).model_dump()
        )

    def too_many(wait_s: float, problem: str) -> JSONResponse:
        return JSONResponse(
            status_code=429,
            content=Problem(error="rate_limited", problems=[problem]).model_dump(),
            headers={"Retry-After": retry_after_header(wait_s)},
        )

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post(
        "/v1/mentions",
        status_code=202,
        response_model=Accepted,
        responses={
            400: {"model": Problem},
            401: {"model": Problem},
            408: {"model": Problem},
            413: {"model": Problem},
            422: {"model": Problem},
            429: {"model": Problem},
            503: {"model": Problem},
        },
    )
    async def post_mentions(request: Request) -> Response:
        """Accepts mentions once Kafka has them; answers with their stable ids."""
        address = request.client.host if request.client else "unknown"
        wait_s = throttle.address(address)
        if wait_s:
            return too_many(wait_s, f"over {settings.rate_per_address:g} requests/s from {address}")
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > settings.max_body_bytes:
            return refuse(413, b"", "body_too_large", [f"over {settings.max_body_bytes} bytes"])
        body = b""
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > settings.max_body_bytes:
                    return refuse(
                        413,
                        body[:4096],
                        "body_too_large",
                        [f"over {settings.max_body_bytes} bytes"],
                    )
        except ClientDisconnect:
            # gone, or cut off by the body timeout (which answered 408): nobody to answer
            return Response(status_code=400)
        try:
            items = parse_batch(body, settings.max_batch)
        except InvalidMention as err:
            status = (
                413
                if err.reason == "batch_too_large"
                else 400
                if (err.reason == "invalid_json")
                else 422
            )
            return refuse(status, body, err.reason, err.problems)
        sources = sorted({item.source for item in items})
        verdict = webhooks.check(body, request.headers, sources, clock())
        if verdict.problems:
            return refuse(401, body, "bad_signature", verdict.problems)
        if verdict.full:
            return JSONResponse(
                status_code=503,
                content=Problem(
                    error="busy", problems=["too many signed requests within the tolerance"]
                ).model_dump(),
                headers={"Retry-After": "5"},
            )
        wait_s = throttle.sources(sources)
        if wait_s:
            webhooks.release(verdict)
            return too_many(wait_s, f"over {settings.rate_per_source:g} requests/s per source")
        now = datetime.now(UTC)
        mentions = [normalise(item, now, handles) for item in items]
        try:
            await run_in_threadpool(publisher.publish, mentions)
        except PublishFailed as err:
            webhooks.release(verdict)
            return JSONResponse(
                status_code=503,
                content=Problem(error="kafka_unavailable", problems=[str(err)]).model_dump(),
                headers={"Retry-After": "5"},
            )
        return JSONResponse(
            status_code=202,
            content=Accepted(accepted=len(mentions), ids=[m.id for m in mentions]).model_dump(),
        )

    return app


@contextlib.asynccontextmanager
async def _connectors_running(
    settings: IngestSettings,
    connectors: Sequence[Connector],
    publisher: MentionPublisher,
    load_cursors: Callable[[], CursorStore],
) -> AsyncIterator[None]:
    backoff = Backoff(
        settings.connector_backoff_s,
        settings.connector_backoff_max_s,
        settings.connector_max_attempts,
    )
    task = asyncio.create_task(run_all(connectors, publisher, load_cursors, backoff))
    task.add_done_callback(_report_stopped)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
