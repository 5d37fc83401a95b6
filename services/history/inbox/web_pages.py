"""The inbox's pages: the queue (live), a mention's shared record, the team's figures, search.

Each route is a thin shell: it reads through the same query functions as the
JSON API, then renders a template.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy import func, select

from services.history import kpis, queries
from services.history.api_deps import ApiContext, Ctx
from services.history.api_stream import SSE_HEADERS
from services.history.database import MentionRow, SavedReplyRow
from services.history.department_stream import StreamsFull, StreamUnavailable
from services.history.inbox.presenting import countdown, fill_placeholders, queue_rows
from services.history.inbox.queue import (
    STATUSES,
    QueueFilters,
    channels,
    department_queue,
    queue_ids,
)
from services.history.inbox.web_deps import User, WebUser, render
from services.history.overdue import count_overdue
from services.history.search import SearchFilters, search
from services.history.views import MentionView

router = APIRouter(include_in_schema=False)

# A filter left at "any" arrives as an empty string: the same as no filter.
Slug = Annotated[str | None, Query(max_length=64, pattern=r"^([a-z0-9][a-z0-9_-]*)?$")]


@router.get("/")
def home() -> Response:
    return RedirectResponse("/inbox", status_code=303)


def queue_filters(
    ctx: Ctx,
    user: User,
    department: Slug = None,
    status: Slug = None,
    topic: Slug = None,
    channel: Slug = None,
) -> QueueFilters:
    """The queue a page asks for; an unknown department is the person's first, "any" is none."""
    mine = user.departments(ctx.departments)
    chosen = department if department in ctx.departments else (mine[0] if mine else "")
    return QueueFilters(
        department=chosen,
        status=status if status in STATUSES else "open",
        topic=topic or None,
        channel=channel or None,
    )


Filters = Annotated[QueueFilters, Depends(queue_filters)]


def _queue_values(ctx: ApiContext, filters: QueueFilters) -> dict[str, Any]:
    read = ctx.read_context()
    if not filters.department:
        return {"rows": [], "more": False, "filters": filters, "now": read.now}
    with ctx.readers() as session:
        mentions, more = department_queue(session, filters, read)
    return {
        "rows": queue_rows(mentions, filters.department, read.now),
        "more": more,
        "filters": filters,
        "now": read.now,
    }


@router.get("/inbox")
def inbox(request: Request, ctx: Ctx, user: User, filters: Filters) -> Response:
    with ctx.readers() as session:
        known_channels = channels(session)
    return render(
        request,
        "inbox.html",
        user,
        departments=user.departments(ctx.departments),
        department_names=ctx.department_names,
        topics=ctx.topics,
        channels=known_channels,
        statuses=STATUSES,
        **_queue_values(ctx, filters),
    )


@router.get("/inbox/rows")
def inbox_rows(request: Request, ctx: Ctx, user: User, filters: Filters) -> Response:
    """The queue's rows alone: what htmx swaps in when the department's stream says 'new'."""
    return render(request, "_rows.html", user, **_queue_values(ctx, filters))


@router.get("/inbox/stream/{department}")
async def inbox_stream(department: str, ctx: Ctx, user: User) -> Response:
    """The department's deliveries as server-sent events, for the signed-in inbox page.

    Each open page holds one of the person's stream slots, as a key's streams do."""
    if department not in ctx.departments or ctx.streams is None:
        return Response(status_code=404)
    try:
        events = await ctx.streams.open(department, None, f"person:{user.principal.name}")
    except StreamsFull as full:
        return Response(status_code=full.status, headers={"Retry-After": str(full.retry_after_s)})
    except StreamUnavailable:
        return Response(status_code=503, headers={"Retry-After": "5"})
    return StreamingResponse(events, media_type="text/event-stream", headers=SSE_HEADERS)


def _neighbours(ctx: ApiContext, user: WebUser, mention: MentionView) -> tuple[str | None, ...]:
    """The previous and next mention in this person's open queue that holds this one."""
    routed = [r.department for r in mention.departments]
    mine = [d for d in user.departments(ctx.departments) if d in routed]
    if not mine:
        return None, None
    with ctx.readers() as session:
        filters = QueueFilters(department=mine[0], status=mention_status(mention))
        ids = queue_ids(session, filters, ctx.read_context())
    if mention.id not in ids:
        return None, (ids[0] if ids else None)
    at = ids.index(mention.id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def mention_status(mention: MentionView) -> str:
    return mention.status if mention.status in STATUSES else "open"


@router.get("/mentions/{mention_id:path}")
def mention_page(
    request: Request,
    mention_id: str,
    ctx: Ctx,
    user: User,
    done: Slug = None,
    error: Slug = None,
    detail: Annotated[str | None, Query(max_length=300)] = None,
) -> Response:
    return mention_response(request, ctx, user, mention_id, done=done, error=error, detail=detail)


def mention_response(
    request: Request,
    ctx: ApiContext,
    user: WebUser,
    mention_id: str,
    *,
    done: str | None = None,
    error: str | None = None,
    detail: str | None = None,
    draft: str = "",
    warnings: list[dict[str, Any]] | None = None,
    status_code: int = 200,
) -> Response:
    """The mention's page; after a refused reply, with the draft and what to change or confirm."""
    read = ctx.read_context()
    with ctx.readers() as session:
        found = queries.mention_trail(session, mention_id, read)
        if found is None:
            return render(request, "not_found.html", user, 404)
        mention, _trail = found
        conversation = queries.conversation(session, mention.relationship_id, read, None, 300)
        saved = list(
            session.scalars(
                select(SavedReplyRow)
                .where(
                    SavedReplyRow.department.in_([r.department for r in mention.departments]),
                    SavedReplyRow.language == (mention.lang or user.person.language),
                )
                .order_by(SavedReplyRow.department, SavedReplyRow.title)
            )
        )
    items = conversation[1] if conversation else []
    routed = [r.department for r in mention.departments]
    values = {
        "author_name": mention.author.display_name or mention.author.handle,
        "author_handle": f"@{mention.author.handle}",
        "my_name": user.person.display_name,
        "department": user.principal.acting_department(routed) or "",
    }
    previous, following = _neighbours(ctx, user, mention)
    deadline = mention.sla_deadline if mention.status != "resolved" else None
    key, left = countdown(deadline, read.now)
    return render(
        request,
        "mention.html",
        user,
        status_code,
        mention=mention,
        timeline=items,
        saved=[(s.title, fill_placeholders(s.body, values)) for s in saved],
        topics=ctx.topics,
        may_act=user.principal.may_act_on(routed),
        countdown_key=key,
        countdown_text=left,
        done=done,
        error=error,
        detail=detail,
        draft=draft,
        warnings=warnings or [],
        previous=previous,
        following=following,
        department_names=ctx.department_names,
    )


@router.get("/team")
def team(request: Request, ctx: Ctx, user: User) -> Response:
    now = ctx.clock()
    read = ctx.read_context()
    with ctx.readers() as session:
        report = kpis.compute(kpis.load(session), now)
        overdue = count_overdue(session, ctx.departments, now)
        backlog = {
            department: session.scalar(
                select(func.count())
                .select_from(MentionRow)
                .where(queries.routed_to(department), queries.status_condition("open", read))
            )
            or 0
            for department in ctx.departments
        }
    return render(
        request,
        "team.html",
        user,
        items=report,
        backlog=backlog,
        overdue=overdue,
        departments=ctx.departments,
        department_names=ctx.department_names,
    )


@router.get("/search")
def search_page(
    request: Request,
    ctx: Ctx,
    user: User,
    q: Annotated[str | None, Query(max_length=500)] = None,
    topic: Slug = None,
    department: Slug = None,
    channel: Slug = None,
    status: Slug = None,
) -> Response:
    filters = SearchFilters(
        q=q or None,
        topic=topic or None,
        department=department or None,
        channel=channel or None,
        status=status if status in STATUSES else None,
    )
    searched = any([q, topic, department, channel, status])
    with ctx.readers() as session:
        found, _next = (
            search(session, filters, ctx.read_context(), None, 50) if searched else ([], None)
        )
        known_channels = channels(session)
    return render(
        request,
        "search.html",
        user,
        results=found,
        searched=searched,
        filters=filters,
        topics=ctx.topics,
        departments=ctx.departments,
        channels=known_channels,
        statuses=STATUSES,
    )
