"""The ingest HTTP API: `POST /v1/mentions` (one mention or a batch)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, datetime

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from services.ingest.connectors import Backoff, Connector, run_all
from services.ingest.cursors import CursorStore
from services.ingest.normalise import InvalidMention, normalise, parse_batch
from services.ingest.publisher import MentionPublisher, PublishFailed
from services.ingest.settings import IngestSettings
from services.ingest.signatures import SourceSecret, signature_problems

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
    secrets: Mapping[str, SourceSecret] | None = None,
) -> FastAPI:
    """The HTTP endpoint; the connectors, if any, run on the same event loop for its lifetime.

    `handles` are the organisation's own accounts (`channels.own_identities`), whose posts
    are marked `from_organisation`.
    """

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if not connectors or load_cursors is None:
            yield
            return
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

    app = FastAPI(title="webcare ingest", version="1", lifespan=lifespan)

    def refuse(status: int, body: bytes, reason: str, problems: list[str]) -> JSONResponse:
        publisher.dead_letter(body, reason, "; ".join(problems), _source_hint(body))
        return JSONResponse(
            status_code=status, content=Problem(error=reason, problems=problems).model_dump()
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
            413: {"model": Problem},
            422: {"model": Problem},
            503: {"model": Problem},
        },
    )
    async def post_mentions(request: Request) -> JSONResponse:
        """Accepts mentions once Kafka has them; answers with their stable ids."""
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > settings.max_body_bytes:
            return refuse(413, b"", "body_too_large", [f"over {settings.max_body_bytes} bytes"])
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > settings.max_body_bytes:
                return refuse(
                    413, body[:4096], "body_too_large", [f"over {settings.max_body_bytes} bytes"]
                )
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
        unsigned = signature_problems(
            body, request.headers, (item.source for item in items), secrets or {}
        )
        if unsigned:
            return refuse(401, body, "bad_signature", unsigned)
        now = datetime.now(UTC)
        mentions = [normalise(item, now, handles) for item in items]
        try:
            await run_in_threadpool(publisher.publish, mentions)
        except PublishFailed as err:
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
