"""GET /v1/kpis: response KPIs per department and topic, for every key with the read scope."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from services.history import kpis
from services.history.api_deps import ApiError, Ctx, Reader
from services.history.views import Problem

router = APIRouter(
    prefix="/v1",
    tags=["read"],
    responses={400: {"model": Problem}, 401: {"model": Problem}, 403: {"model": Problem}},
)


@router.get("/kpis", response_model=kpis.KpiReport)
def get_kpis(
    ctx: Ctx,
    _who: Reader,
    since: Annotated[datetime | None, Query(description="created_at from (inclusive)")] = None,
    until: Annotated[datetime | None, Query(description="created_at before")] = None,
) -> kpis.KpiReport:
    """Per (department, topic) of the mentions created in [since, until): how many were
    routed, time to first reply (p50, p90, mean seconds), and the shares answered within
    the SLA, answered late and never answered (no reply and past the deadline so far).

    One row per department and topic, so the answer is bounded by the organisation's
    configuration and needs no paging."""
    start, end = _aware(since), _aware(until)
    if start is not None and end is not None and end <= start:
        raise ApiError(400, "bad_window", "'until' must come after 'since'")
    now = ctx.clock()
    with ctx.readers() as session:
        facts = kpis.load(session, start, end)
    return kpis.KpiReport(since=start, until=end, now=now, items=kpis.compute(facts, now))


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
