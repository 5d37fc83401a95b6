"""Backtesting a policy change: route past mentions under two policies and compare.

Pure: the caller reads the classified mentions and the replies (from Kafka,
without committing anything) and hands them in with `now`; this module says
how routing, priorities and SLA outcomes would have differed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from schemas import ClassifiedMention, ConversationEvent, ConversationEventKind, RoutingDecision
from services.common.organisation import Organisation
from services.route.policy import route

SlaOutcome = Literal["in_time", "late", "unanswered", "open"]
_SPAN = re.compile(r"^(\d+)([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, now: datetime) -> datetime:
    """`7d`, `24h`, `90m`, `2w` before `now`, or an ISO date/time."""
    match = _SPAN.match(text.strip())
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as err:
        raise ValueError(f"--since: expected e.g. 7d, 24h or an ISO date, got {text!r}") from err
    return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)


def first_replies(events: Iterable[ConversationEvent]) -> dict[str, datetime]:
    """The first reply per mention id."""
    first: dict[str, datetime] = {}
    for event in events:
        if event.kind is ConversationEventKind.REPLIED and event.mention_id:
            known = first.get(event.mention_id)
            if known is None or event.at < known:
                first[event.mention_id] = event.at
    return first


def sla_outcome(
    decision: RoutingDecision, replied_at: datetime | None, now: datetime
) -> SlaOutcome:
    deadline = decision.sla_deadline
    if replied_at is not None:
        return "in_time" if deadline is None or replied_at < deadline else "late"
    return "open" if deadline is None or now < deadline else "unanswered"


@dataclass(frozen=True)
class MentionDiff:
    mention_id: str
    before: RoutingDecision
    after: RoutingDecision
    outcome_before: SlaOutcome
    outcome_after: SlaOutcome

    @property
    def departments_changed(self) -> bool:
        return _departments(self.before) != _departments(self.after)

    @property
    def changed(self) -> bool:
        return (
            self.departments_changed
            or self.before.priority != self.after.priority
            or self.before.sla_deadline != self.after.sla_deadline
            or self.outcome_before != self.outcome_after
        )


def _departments(decision: RoutingDecision) -> tuple[str, ...]:
    return tuple(sorted(r.department for r in decision.departments))


@dataclass
class BacktestReport:
    mentions: int = 0
    diffs: list[MentionDiff] = field(default_factory=list)
    departments: dict[str, Counter[str]] = field(
        default_factory=lambda: {"before": Counter(), "after": Counter()}
    )
    priorities: dict[str, Counter[str]] = field(
        default_factory=lambda: {"before": Counter(), "after": Counter()}
    )
    outcomes: dict[str, Counter[str]] = field(
        default_factory=lambda: {"before": Counter(), "after": Counter()}
    )

    @property
    def changed(self) -> list[MentionDiff]:
        return [d for d in self.diffs if d.changed]


def backtest(
    mentions: Iterable[ClassifiedMention],
    replies: Mapping[str, datetime],
    current: Organisation,
    proposed: Organisation,
    now: datetime,
) -> BacktestReport:
    """Routes every mention under both policies, as of when it was classified."""
    report = BacktestReport()
    seen: set[str] = set()
    for classified in mentions:
        mention_id = classified.mention.id
        if mention_id in seen:  # a re-classified mention counts once, as last classified
            report.diffs = [d for d in report.diffs if d.mention_id != mention_id]
        seen.add(mention_id)
        before = route(classified, current, classified.classified_at)
        after = route(classified, proposed, classified.classified_at)
        replied = replies.get(mention_id)
        report.diffs.append(
            MentionDiff(
                mention_id,
                before,
                after,
                sla_outcome(before, replied, now),
                sla_outcome(after, replied, now),
            )
        )
    report.mentions = len(report.diffs)
    for diff in report.diffs:
        for side, decision, outcome in (
            ("before", diff.before, diff.outcome_before),
            ("after", diff.after, diff.outcome_after),
        ):
            report.departments[side].update(_departments(decision))
            report.priorities[side][decision.priority] += 1
            report.outcomes[side][outcome] += 1
    return report
