"""Crisis detection: negative or complaint mentions per window against their usual rate.

Counts sit in buckets of a sixth of the window; the baseline is the average
count per window over `baseline_hours` before the current window. A crisis is
raised when the window holds at least `min_count` and `factor` times the
baseline, and cleared as soon as that no longer holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas import ClassifiedMention, DepartmentRoute, RoutingDecision, RoutingNotice, Sentiment
from services.common.organisation import Organisation
from services.common.organisation_routing import CrisisThresholds
from services.route.policy import sla_deadline

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class CrisisState(BaseModel):
    """Counts per bucket and whether a crisis is on (a Faust table value under one key)."""

    model_config = ConfigDict(frozen=True)

    counts: dict[int, int] = Field(default_factory=dict)
    active: bool = False
    raised_at: datetime | None = None
    trigger: ClassifiedMention | None = None


@dataclass(frozen=True)
class CrisisChange:
    change: Literal["raised", "cleared"]
    observed: int
    baseline: float
    trigger: ClassifiedMention


def counts_toward_crisis(classified: ClassifiedMention, thresholds: CrisisThresholds) -> bool:
    if thresholds.count_negative and classified.sentiment is Sentiment.NEGATIVE:
        return True
    return bool(set(thresholds.topics).intersection(classified.topics))


def bucket_minutes(thresholds: CrisisThresholds) -> int:
    return max(1, thresholds.window_minutes // 6)


def _bucket(at: datetime, thresholds: CrisisThresholds) -> int:
    return int((at - EPOCH).total_seconds() // 60) // bucket_minutes(thresholds)


def record(
    state: CrisisState, classified: ClassifiedMention, thresholds: CrisisThresholds
) -> CrisisState:
    """Counts a mention in the bucket of when it reached us."""
    key = _bucket(classified.mention.ingested_at, thresholds)
    counts = dict(state.counts)
    counts[key] = counts.get(key, 0) + 1
    return state.model_copy(update={"counts": counts})


def measure(state: CrisisState, now: datetime, thresholds: CrisisThresholds) -> tuple[int, float]:
    """(count in the current window, average count per window in the baseline before it)."""
    size = bucket_minutes(thresholds)
    per_window = max(1, thresholds.window_minutes // size)
    current = _bucket(now, thresholds)
    window = range(current - per_window + 1, current + 1)
    baseline_buckets = thresholds.baseline_hours * 60 // size
    baseline = range(window.start - baseline_buckets, window.start)
    observed = sum(state.counts.get(b, 0) for b in window)
    before = sum(state.counts.get(b, 0) for b in baseline)
    return observed, before / max(1.0, baseline_buckets / per_window)


def evaluate(
    state: CrisisState,
    now: datetime,
    thresholds: CrisisThresholds,
    latest: ClassifiedMention | None,
) -> tuple[CrisisState, CrisisChange | None]:
    """Raises or clears at `now`; drops buckets older than the baseline needs."""
    observed, baseline = measure(state, now, thresholds)
    size = bucket_minutes(thresholds)
    oldest = (
        _bucket(now, thresholds)
        - (thresholds.window_minutes + thresholds.baseline_hours * 60) // size
        - 1
    )
    counts = {b: c for b, c in state.counts.items() if b >= oldest}
    hot = observed >= thresholds.min_count and observed >= thresholds.factor * baseline
    trigger = latest or state.trigger
    if hot and not state.active and trigger is not None and thresholds.enabled:
        raised = CrisisState(counts=counts, active=True, raised_at=now, trigger=trigger)
        return raised, CrisisChange("raised", observed, baseline, trigger)
    if state.active and not hot and state.trigger is not None:
        cleared = CrisisState(counts=counts, active=False, raised_at=None, trigger=None)
        return cleared, CrisisChange("cleared", observed, baseline, state.trigger)
    return state.model_copy(update={"counts": counts}), None


def crisis_decision(change: CrisisChange, org: Organisation, now: datetime) -> RoutingDecision:
    """The crisis event for the crisis team, about the mention that tipped it."""
    team = org.routing.crisis_team or [org.triage_department]
    mention = change.trigger.mention
    thresholds = org.routing.crisis
    reason = (
        f"{change.observed} negative/complaint mentions in {thresholds.window_minutes} min, "
        f"usual {change.baseline:.1f}"
    )
    return RoutingDecision.model_validate(
        {
            "decision_id": f"route:crisis:{mention.id}:{change.change}",
            "kind": f"crisis_{change.change}",
            "relationship_id": mention.relationship_id,
            "classified": change.trigger,
            "departments": [DepartmentRoute(department=d, rule="crisis") for d in team],
            "priority": "urgent" if change.change == "raised" else "normal",
            "sla_deadline": sla_deadline(change.trigger, org),
            "decided_at": now,
            "notice": RoutingNotice(
                reason=reason, observed=change.observed, threshold=change.baseline
            ),
        }
    )
