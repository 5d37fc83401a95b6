"""How the inbox shows things: SLA countdowns, queue order, saved-reply placeholders. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from services.history.views import MentionView

PLACEHOLDER = re.compile(r"\{(author_name|author_handle|my_name|department)\}")


def duration_text(seconds: float) -> str:
    """'2d 3h', '2h 13m', '4m': the two largest units, enough to act on."""
    total = int(abs(seconds)) // 60
    days, rest = divmod(total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


def countdown(deadline: datetime | None, now: datetime) -> tuple[str, str]:
    """(catalogue key, time left or overdue) of an SLA deadline."""
    if deadline is None:
        return "no_deadline", ""
    left = (deadline - now).total_seconds()
    return ("due_in" if left > 0 else "overdue_by"), duration_text(left)


@dataclass(frozen=True)
class QueueRow:
    mention: MentionView
    topics: list[str]
    others: list[str]
    countdown_key: str
    countdown_text: str
    overdue: bool


def queue_rows(mentions: list[MentionView], department: str, now: datetime) -> list[QueueRow]:
    """The queue's rows, in the order the query gave (see `queue.py`)."""
    rows = []
    for m in mentions:
        key, text = countdown(m.sla_deadline if m.status != "resolved" else None, now)
        rows.append(
            QueueRow(
                mention=m,
                topics=m.tags if m.tags is not None else (m.topics or []),
                others=[r.department for r in m.departments if r.department != department],
                countdown_key=key,
                countdown_text=text,
                overdue=key == "overdue_by" and m.status != "resolved",
            )
        )
    return rows


def fill_placeholders(body: str, values: dict[str, str]) -> str:
    """A saved reply with its placeholders filled; unknown braces stay as written."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)
