"""The `webcare_overdue_mentions{department}` gauge: unresolved mentions past their SLA deadline.

History owns every mention's routes, status and deadline, so it is the one
service that can count the overdue backlog of a department across all route
partitions. The count uses the same condition as the department's 'overdue'
queue in the API (`queries.overdue_condition`), so the gauge and the queue
agree. `count_overdue` is a plain function of a session and `now`; the Faust
task in `app.py` runs it in a thread every `WEBCARE_HISTORY_GAUGE_INTERVAL_S`.
Every replica reports the same numbers from the shared database: aggregate
with `max by (department)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from prometheus_client import Gauge
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.history.database import MentionRouteRow, MentionRow
from services.history.queries import overdue_condition

OVERDUE = Gauge(
    "webcare_overdue_mentions",
    "Unresolved mentions routed to the department whose SLA deadline has passed.",
    ["department"],
)


def count_overdue(session: Session, departments: Iterable[str], now: datetime) -> dict[str, int]:
    """Overdue mentions per department, every given department included (0 when none).

    Departments the database knows but the organisation no longer has are left
    out: label values stay the configured slugs.
    """
    wanted = sorted(set(departments))
    counts = dict.fromkeys(wanted, 0)
    if not wanted:
        return counts
    rows = session.execute(
        select(MentionRouteRow.department, func.count())
        .join(MentionRow, MentionRow.id == MentionRouteRow.mention_id)
        .where(MentionRouteRow.department.in_(wanted), overdue_condition(now))
        .group_by(MentionRouteRow.department)
    ).all()
    for department, count in rows:
        counts[department] = int(count)
    return counts


def publish(counts: Mapping[str, int]) -> None:
    for department, count in counts.items():
        OVERDUE.labels(department=department).set(count)
