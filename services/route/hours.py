"""Business-time arithmetic: when a department works, and a deadline counted in working time.

Pure functions of aware datetimes. Working windows are built in the
department's own time zone and compared in UTC, so a DST change or a holiday
moves the deadline the way a person at that desk would expect.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.common.organisation_routing import WEEKDAYS, WorkingHours

MAX_DAYS_AHEAD = 800  # more than two years without a working day is a broken config, not a wait


def _window(hours: WorkingHours, day: datetime) -> tuple[datetime, datetime] | None:
    """The working window (UTC) of the local date of `day`, or None on a day off."""
    local_date = day.date()
    if WEEKDAYS[local_date.weekday()] not in hours.days or local_date in hours.holidays:
        return None
    zone = hours.zone
    start = datetime.combine(local_date, hours.start, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(local_date, hours.end, tzinfo=zone).astimezone(UTC)
    return start, end


def is_working(hours: WorkingHours, at: datetime) -> bool:
    window = _window(hours, at.astimezone(hours.zone))
    return window is not None and window[0] <= at < window[1]


def add_working_minutes(hours: WorkingHours, start: datetime, minutes: float) -> datetime:
    """`start` plus `minutes` of working time: the clock only runs inside working windows."""
    remaining = timedelta(minutes=minutes)
    cursor = start.astimezone(UTC)
    local = start.astimezone(hours.zone)
    for offset in range(MAX_DAYS_AHEAD):
        day = (local + timedelta(days=offset)).replace(hour=12, minute=0, second=0, microsecond=0)
        window = _window(hours, day)
        if window is None:
            continue
        begin, end = max(window[0], cursor), window[1]
        if begin >= end:
            continue
        if remaining <= end - begin:
            return begin + remaining
        remaining -= end - begin
    raise ValueError("no working time found within two years; check working_hours")


def next_working_start(hours: WorkingHours, at: datetime) -> datetime:
    """`at` itself when the department works then, else when it next starts."""
    return add_working_minutes(hours, at, 0)
