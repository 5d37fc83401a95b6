"""`GET /v1/departments/{department}/stream`: a department's deliveries as server-sent events.

For dashboards and inboxes: every delivery notify puts on the department's
topic, pushed as it happens (`text/event-stream`), for any key with the read
scope. Each event's `id:` is a stream position; a client that reconnects with
`Last-Event-ID` gets everything after it, so it sees no gap and no repeat.
The reading itself is `department_stream.py`. Streams are capped per key
(429) and per server (503), both with Retry-After (`WEBCARE_HISTORY_STREAMS_*`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from services.common.http_limits import RATE_LIMITED
from services.history.api_deps import ApiError, Ctx, Reader
from services.history.department_stream import StreamsFull, StreamUnavailable
from services.history.stream_position import BadPosition, parse_position
from services.history.views import Problem

router = APIRouter(prefix="/v1", tags=["read"])

SSE_HEADERS = {
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",  # nginx would otherwise buffer the stream
}


@router.get(
    "/departments/{department}/stream",
    response_class=StreamingResponse,
    # Left out of /openapi.json: a schema cannot say "never ends", and a client generated or a
    # fuzzer driven from it would wait for the end of the body. docs/api.md documents it.
    include_in_schema=False,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Events `delivery` (data: a DepartmentDelivery as JSON), each with "
            "an `id:` to resume from, and `: heartbeat` comments between them.",
        },
        400: {"model": Problem},
        401: {"model": Problem},
        403: {"model": Problem},
        404: {"model": Problem},
        429: {"model": Problem},
        503: {"model": Problem},
    },
)
async def department_stream(
    department: str,
    ctx: Ctx,
    who: Reader,
    last_event_id: Annotated[
        str | None,
        Header(
            max_length=2000,
            description="The `id:` of the last event seen: the stream continues right after it.",
        ),
    ] = None,
) -> Response:
    """A department's deliveries as they happen, resumable with `Last-Event-ID`."""
    if department not in ctx.departments:
        raise ApiError(404, "department_not_found", f"no department {department!r}")
    if ctx.streams is None:
        raise ApiError(503, "stream_unavailable", "this server has no Kafka connection")
    try:
        start = parse_position(last_event_id) if last_event_id else None
    except BadPosition as err:
        raise ApiError(400, "bad_last_event_id", str(err)) from err
    holder = f"key:{who.key_id or who.name}"
    try:
        events = await ctx.streams.open(department, start, holder)
    except StreamUnavailable as err:
        raise ApiError(503, "stream_unavailable", str(err)) from err
    except StreamsFull as full:
        RATE_LIMITED.labels(service="history", limit="streams").inc()
        return JSONResponse(
            status_code=full.status,
            content=Problem(error="too_many_streams", problems=[full.problem]).model_dump(),
            headers={"Retry-After": str(full.retry_after_s)},
        )
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers=SSE_HEADERS,
        background=BackgroundTask(events.close),  # also when the body was never iterated
    )
