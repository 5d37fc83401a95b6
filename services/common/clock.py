"""Where route gets `now`: the wall clock, or a file that tests (and drills) set.

With `WEBCARE_ROUTE_CLOCK_FILE` set, the time is the ISO timestamp in that
file (the wall clock while it is missing or empty), so a test can move route's
time hours ahead on the real broker without waiting for it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now(UTC)


def file_clock(path: Path) -> Clock:
    def now() -> datetime:
        try:
            text = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return wall_clock()
        if not text:
            return wall_clock()
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    return now


def make_clock(path: Path | None) -> Clock:
    return file_clock(path) if path is not None else wall_clock
