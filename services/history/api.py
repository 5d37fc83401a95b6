"""The history HTTP API: reads under /v1 for every key with the read scope.

Actions (`api_actions.py`) and administration (`api_admin.py`) are routers
of their own; this module assembles the app, its error answers and the health
endpoints, which need no key.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from services.common.http_limits import RateLimits
from services.common.rate_limit import TokenBuckets
from services.history import queries
from services.history.api_actions import router as actions_router
from services.history.api_admin import router as admin_router
from services.history.api_deps import ApiContext, ApiError, Ctx, Reader
from services.history.api_kpis import router as kpis_router
from services.history.api_stream import router as stream_router
from services.history.inbox.web import mount_inbox
from services.history.search import SearchFilters, search
from services.history.views import (
    BadCursor,
    ConversationPage,
    MentionPage,
    MentionTrail,
    Problem,
    Profile,
)

Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
Cursor = Annotated[
    str | None, Query(max_length=2000, description="`next_cursor` of the previous page.")
]
SlugQuery = Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": Problem},
    401: {"model": Problem},
    403: {"model": Problem},
    404: {"model": Problem},
}


def create_api(
    context: ApiContext,
    per_address: TokenBuckets | None = None,
    per_key: TokenBuckets | None = None,
) -> FastAPI:
    """The app; `per_address` and `per_key` rate-limit `/v1` (none given: no limits)."""
    api = FastAPI(
        title="webcare history",
        version="1",
        description=(
            "The shared record of every conversation. Every key with the `read` scope reads "
            "everything; `act` acts for the key's own department; `admin` manages keys, "
            "erases and exports."
        ),
    )
    api.state.context = context

    @api.exception_handler(ApiError)
    def _problem(_request: Request, err: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
        return JSONResponse(
            status_code=err.status,
            content=Problem(
                error=err.error, problems=[err.problem], warnings=err.warnings
            ).model_dump(exclude_none=True),
            headers=headers,
        )

    @api.middleware("http")
    async def _no_nul(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # PostgreSQL refuses NUL in text, so an id or a search word with %00 became a 500.
        if "\x00" in request.url.path or any("\x00" in v for v in request.query_params.values()):
            problem = Problem(error="bad_request", problems=["NUL (%00) in the path or query"])
            return JSONResponse(status_code=400, content=problem.model_dump())
        return await call_next(request)

    if per_address is not None or per_key is not None:
        api.add_middleware(
            RateLimits,
            service="history",
            per_address=TokenBuckets(0, 0) if per_address is None else per_address,
            per_key=TokenBuckets(0, 0) if per_key is None else per_key,
        )

    @api.exception_handler(RequestValidationError)
    def _invalid(_request: Request, err: RequestValidationError) -> Response:
        # FastAPI's own 422, but as ASCII JSON: the echoed input may hold a lone surrogate
        # (valid JSON escape, not encodable as UTF-8), which made the default answer a 500.
        body = json.dumps({"detail": jsonable_encoder(err.errors())}, ensure_ascii=True)
        return Response(body, status_code=422, media_type="application/json")

    @api.exception_handler(BadCursor)
    def _bad_cursor(_request: Request, err: BadCursor) -> JSONResponse:
        return JSONResponse(
            status_code=400, content=Problem(error="bad_cursor", problems=[str(err)]).model_dump()
        )

    @api.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @api.get("/ready", tags=["health"], responses={503: {"model": Problem}})
    def ready(ctx: Ctx) -> dict[str, str]:
        """The database answers."""
        try:
            with ctx.readers() as session:
                session.execute(text("SELECT 1"))
        except Exception as err:  # any database failure means "not ready", said with its type
            raise ApiError(503, "not_ready", type(err).__name__) from err
        return {"status": "ready"}

    api.include_router(_reads())
    api.include_router(actions_router)
    api.include_router(admin_router)
    api.include_router(kpis_router)
    api.include_router(stream_router)
    mount_inbox(api)
    return api


def _reads() -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["read"], responses=ERRORS)

    @router.get("/relationships/{relationship_id}/conversation", response_model=ConversationPage)
    def get_conversation(
        relationship_id: str, ctx: Ctx, _who: Reader, limit: Limit = 100, cursor: Cursor = None
    ) -> ConversationPage:
        """A relationship's whole conversation as one timeline, oldest first.

        Across channels, departments and linked accounts: mentions, classifications,
        routings, deliveries, claims, replies, re-tags and resolutions, with who and when.
        """
        with ctx.readers() as session:
            found = queries.conversation(
                session, relationship_id, ctx.read_context(), cursor, limit
            )
        if found is None:
            raise ApiError(
                404, "relationship_not_found", f"nothing known about {relationship_id!r}"
            )
        group, items, mentions, events, next_cursor = found
        return ConversationPage(
            relationship_id=relationship_id,
            relationships=group,
            items=items,
            mentions=mentions,
            events=events,
            next_cursor=next_cursor,
        )

    @router.get("/relationships/{relationship_id}/profile", response_model=Profile)
    def get_profile(relationship_id: str, ctx: Ctx, _who: Reader) -> Profile:
        """Handles across channels, first and last contact, topics per month."""
        with ctx.readers() as session:
            found = queries.profile(session, relationship_id)
        if found is None:
            raise ApiError(
                404, "relationship_not_found", f"nothing known about {relationship_id!r}"
            )
        return found

    @router.get("/departments/{department}/queue", response_model=MentionPage)
    def get_queue(
        department: str,
        ctx: Ctx,
        _who: Reader,
        state: Literal["open", "claimed", "overdue"] = "open",
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> MentionPage:
        """A department's mentions: open (unclaimed or claim expired), claimed, or overdue
        (past their SLA deadline and not resolved), oldest first."""
        if department not in ctx.departments:
            raise ApiError(404, "department_not_found", f"no department {department!r}")
        with ctx.readers() as session:
            items, next_cursor = queries.queue(
                session, department, state, ctx.read_context(), cursor, limit
            )
        return MentionPage(items=items, next_cursor=next_cursor)

    @router.get("/search", response_model=MentionPage)
    def get_search(
        ctx: Ctx,
        _who: Reader,
        q: Annotated[str | None, Query(max_length=500, description="Words to find.")] = None,
        topic: SlugQuery = None,
        department: SlugQuery = None,
        channel: Annotated[SlugQuery, Query(description="Source, e.g. 'x', 'mastodon'.")] = None,
        lang: Annotated[str | None, Query(max_length=8)] = None,
        sentiment: Literal["negative", "neutral", "positive"] | None = None,
        status: Literal["open", "claimed", "resolved", "overdue"] | None = None,
        since: Annotated[datetime | None, Query(description="created_at from (inclusive)")] = None,
        until: Annotated[datetime | None, Query(description="created_at before")] = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> MentionPage:
        """Full-text search (PostgreSQL: Dutch and English stemming) with filters, newest first."""
        filters = SearchFilters(
            q=q,
            topic=topic,
            department=department,
            channel=channel,
            lang=lang,
            sentiment=sentiment,
            status=status,
            since=_aware(since),
            until=_aware(until),
        )
        with ctx.readers() as session:
            items, next_cursor = search(session, filters, ctx.read_context(), cursor, limit)
        return MentionPage(items=items, next_cursor=next_cursor)

    @router.get("/mentions/{mention_id:path}", response_model=MentionTrail)
    def get_mention(mention_id: str, ctx: Ctx, _who: Reader) -> MentionTrail:
        """One mention with its whole trail: classification, routing, deliveries, events."""
        with ctx.readers() as session:
            found = queries.mention_trail(session, mention_id, ctx.read_context())
        if found is None:
            raise ApiError(404, "mention_not_found", f"no mention with id {mention_id!r}")
        view, trail = found
        return MentionTrail(**view.model_dump(), trail=trail)

    return router


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
