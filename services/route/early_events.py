"""Conversation events that reach route before their mention: kept, bounded, applied in order.

Route reads classified mentions and conversation events as two topics, and a
claim, reply, release or resolve made right after a mention was ingested
(history shows it from the raw topic) can reach route before classify has
handed the mention on. Such an event is kept in the Faust table
`early_events` (mention id -> entry, changelog-backed, so a restart keeps
it) and applied, in topic order, when the mention arrives. The entry is
written while route handles the event, so it lives on the event's partition;
both topics are keyed by relationship, so that is the partition the mention
arrives on, owned by the same worker.

Bounded: at most `max_per_partition` events wait per partition (the oldest
mention's go first) and none longer than `max_age`; what falls out is
counted and logged by the caller. Pure: time and partition come in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from schemas import ConversationEvent, ConversationEventKind
from services.route.claims import Case, Step, apply_event

Entry = Mapping[str, Any]  # as the table holds it (JSON)

# The kinds that change a case (claims, the SLA timer); the others need no case.
_CHANGES_CASE = frozenset(
    {
        ConversationEventKind.CLAIMED,
        ConversationEventKind.RELEASED,
        ConversationEventKind.REPLIED,
        ConversationEventKind.RESOLVED,
    }
)


@dataclass(frozen=True)
class Limits:
    max_per_partition: int
    max_age: timedelta


def worth_keeping(event: ConversationEvent) -> bool:
    return event.mention_id is not None and event.kind in _CHANGES_CASE


def kept(entry: Entry | None, event: ConversationEvent, partition: int, now: datetime) -> dict:
    """The mention's entry with `event` added (a redelivered event is not added twice)."""
    events = list(entry["events"]) if entry else []
    if any(e["event_id"] == event.event_id for e in events):
        return dict(entry or {})
    return {
        "partition": partition,
        "relationship_id": event.relationship_id,
        "since": entry["since"] if entry else now.isoformat(),
        "events": [*events, event.model_dump(mode="json")],
    }


def size(entry: Entry | None) -> int:
    return len(entry["events"]) if entry else 0


def too_old(entry: Entry, now: datetime, limits: Limits) -> bool:
    return now - datetime.fromisoformat(entry["since"]) > limits.max_age


def waiting(entries: Iterable[tuple[str, Entry | None]], partition: int) -> int:
    """Events waiting on one partition."""
    return sum(size(e) for _, e in entries if e is not None and e.get("partition") == partition)


def oldest(entries: Iterable[tuple[str, Entry | None]], partition: int) -> str | None:
    """The mention on `partition` whose events have waited longest: the first to drop."""
    found = [
        (e["since"], mention_id)
        for mention_id, e in entries
        if e is not None and e.get("partition") == partition
    ]
    return min(found)[1] if found else None


def caught_up(case: Case, entry: Entry, now: datetime, ttl: timedelta) -> list[Step]:
    """The case after each waiting event, in the order they came: what route would have done
    had the mention come first."""
    steps = []
    for stored in entry["events"]:
        step = apply_event(case, ConversationEvent.model_validate(stored), now, ttl)
        steps.append(step)
        case = step.case
    return steps
