"""Messages on route's own topic (`<prefix>.route.signals`), re-keyed for the state they touch.

The inputs are keyed by relationship, but a channel's reply budget and the
organisation's crisis window are one count each: a signal keyed by channel,
or by `CRISIS_KEY`, lands on one partition, so one worker owns each count.
SLA timers that fall due, cases past their retention and early events past
their age limit are signalled keyed by relationship, because a Faust table
may only be changed while handling a message of its own partition.
Only route reads this topic, so its model lives here, not in `schemas/`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from schemas import ClassifiedMention

CRISIS_KEY = b"crisis"


class Signal(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = 1
    kind: Literal["due", "counted", "tick", "reply", "forget", "early_expired"]
    at: datetime
    mention_id: str | None = None
    classified: ClassifiedMention | None = None
    channel: str | None = None
    department: str | None = None
    event_id: str | None = None
    priority: Literal["low", "normal", "high", "urgent"] | None = None
    sla_deadline: datetime | None = None
