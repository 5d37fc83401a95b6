"""The life of an idempotency key in the `delivered` table, and what a redelivery does with it.

    (absent) --mark--> in_flight --effect ok--> done
                           |---effect failed--> failed   (dead-lettered; a replay retries it)

The in-flight marker is on the changelog (acknowledged) *before* the effect,
so after a crash the key says whether the effect may have happened:

- done: skip, whatever is redelivered or replayed.
- absent or failed: the effect did not happen (or failed for good): do it.
- in_flight: in doubt: the notifier died between marking and confirming.
  Department topic: look at the topic (`audit.py`) and send only if absent.
  Push targets: send again with the same idempotency key (HTTP header
  `Idempotency-Key`, e-mail `Message-ID`), which the receiver dedupes on.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class KeyState(StrEnum):
    IN_FLIGHT = "in_flight"
    DONE = "done"
    FAILED = "failed"


class Next(StrEnum):
    SKIP = "skip"
    DELIVER = "deliver"
    IN_DOUBT = "in_doubt"


def marker(state: KeyState, at_ms: int) -> dict[str, Any]:
    return {"state": state.value, "at_ms": at_ms}


def next_step(stored: Any) -> Next:
    """What to do with a key given what the table holds for it (None when absent)."""
    if stored is None:
        return Next.DELIVER
    state = stored.get("state") if isinstance(stored, dict) else stored
    if state == KeyState.DONE or stored is True:  # True: the walking skeleton's done marker
        return Next.SKIP
    if state == KeyState.IN_FLIGHT:
        return Next.IN_DOUBT
    return Next.DELIVER


def marked_at(stored: Any) -> int | None:
    return stored.get("at_ms") if isinstance(stored, dict) else None
