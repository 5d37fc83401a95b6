"""Business-time arithmetic, table-driven, with the clock edges: DST, holidays, day ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from services.common.organisation_routing import WorkingHours
from services.route.hours import add_working_minutes, is_working, next_working_start

OFFICE = WorkingHours(
    timezone="Europe/Amsterdam",
    days=["mon", "tue", "wed", "thu", "fri"],
    start=time(9),
    end=time(17),
    holidays=[date(2026, 12, 25), date(2026, 12, 26)],
)
# 01:00-04:00 every day: on 29 March 2026 the hour 02:00-03:00 does not exist in Amsterdam
NIGHT = WorkingHours(
    timezone="Europe/Amsterdam",
    days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    start=time(1),
    end=time(4),
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hours", "start", "minutes", "deadline", "why"),
    [
        (OFFICE, utc(2026, 11, 20, 10), 120, utc(2026, 11, 20, 12), "inside hours: wall clock"),
        (OFFICE, utc(2026, 11, 20, 15), 120, utc(2026, 11, 23, 9), "Friday 16:00 runs into Monday"),
        (OFFICE, utc(2026, 11, 20, 14), 120, utc(2026, 11, 20, 16), "ends exactly at closing"),
        (OFFICE, utc(2026, 11, 23, 6), 30, utc(2026, 11, 23, 8, 30), "before opening: waits"),
        (OFFICE, utc(2026, 11, 21, 12), 0, utc(2026, 11, 23, 8), "Saturday: clock starts Monday"),
        (OFFICE, utc(2026, 3, 27, 15), 120, utc(2026, 3, 30, 8), "spring forward: Monday is CEST"),
        (OFFICE, utc(2026, 10, 23, 14), 120, utc(2026, 10, 26, 9), "fall back: Monday is CET"),
        (OFFICE, utc(2026, 12, 24, 15), 120, utc(2026, 12, 28, 9), "Christmas days are off"),
        (OFFICE, utc(2026, 11, 20, 10), 960, utc(2026, 11, 24, 10), "two full days of work"),
        (NIGHT, utc(2026, 3, 29, 0), 120, utc(2026, 3, 29, 2), "the missing hour is not worked"),
        (NIGHT, utc(2026, 3, 29, 0), 150, utc(2026, 3, 29, 23, 30), "so 150 min spill over"),
        (NIGHT, utc(2026, 10, 24, 23), 240, utc(2026, 10, 25, 3), "the doubled hour is worked"),
    ],
)
def test_add_working_minutes(
    hours: WorkingHours, start: datetime, minutes: int, deadline: datetime, why: str
) -> None:
    assert add_working_minutes(hours, start, minutes) == deadline, why


@pytest.mark.parametrize(
    ("at", "working"),
    [
        (utc(2026, 11, 20, 8), True),  # 09:00 local, opening
        (utc(2026, 11, 20, 7, 59), False),
        (utc(2026, 11, 20, 16), False),  # 17:00 local, closing
        (utc(2026, 11, 20, 15, 59), True),
        (utc(2026, 11, 21, 12), False),  # Saturday
        (utc(2026, 12, 25, 10), False),  # Christmas
        (utc(2026, 7, 1, 7), True),  # 09:00 CEST
        (utc(2026, 7, 1, 15), False),  # 17:00 CEST
    ],
)
def test_is_working(at: datetime, working: bool) -> None:
    assert is_working(OFFICE, at) is working


def test_next_working_start_is_now_inside_hours() -> None:
    assert next_working_start(OFFICE, utc(2026, 11, 20, 10)) == utc(2026, 11, 20, 10)
