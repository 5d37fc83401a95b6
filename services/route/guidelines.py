"""Guidelines, not rules: a daily reply budget and a minimum gap between posts per channel.

Measured on every reply; going over yields a warning, never a block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from schemas import ClassifiedMention, DepartmentRoute, RoutingDecision, RoutingNotice
from services.common.organisation_routing import Guidelines


class ChannelUsage(BaseModel):
    """Replies on one channel account today (a Faust table value, keyed by channel)."""

    model_config = ConfigDict(frozen=True)

    day: date
    replies: int = 0
    last_post_at: datetime | None = None


@dataclass(frozen=True)
class GuidelineWarning:
    rule: Literal["daily_reply_budget", "min_gap"]
    channel: str
    observed: float
    threshold: float

    @property
    def reason(self) -> str:
        if self.rule == "daily_reply_budget":
            return (
                f"reply {int(self.observed)} today on {self.channel}, "
                f"over the budget of {int(self.threshold)}"
            )
        return (
            f"{self.observed:.1f} min since the last post on {self.channel}, "
            f"less than the agreed {self.threshold:g}"
        )


def record_reply(
    usage: ChannelUsage | None, channel: str, at: datetime, guidelines: Guidelines
) -> tuple[ChannelUsage, list[GuidelineWarning]]:
    """Counts one reply (days in the guidelines' time zone) and says which guideline it exceeds."""
    rules = guidelines.for_channel(channel)
    today = at.astimezone(ZoneInfo(guidelines.timezone)).date()
    if usage is None or usage.day != today:
        usage = ChannelUsage(day=today, last_post_at=usage.last_post_at if usage else None)
    warnings: list[GuidelineWarning] = []
    count = usage.replies + 1
    if rules.daily_reply_budget is not None and count > rules.daily_reply_budget:
        warnings.append(
            GuidelineWarning("daily_reply_budget", channel, count, rules.daily_reply_budget)
        )
    last = usage.last_post_at
    if rules.min_gap_minutes is not None and last is not None and at >= last:
        gap = (at - last).total_seconds() / 60
        if gap < rules.min_gap_minutes:
            warnings.append(GuidelineWarning("min_gap", channel, gap, rules.min_gap_minutes))
    newest = at if last is None or at > last else last
    return ChannelUsage(day=today, replies=count, last_post_at=newest), warnings


def warning_decision(
    warning: GuidelineWarning,
    classified: ClassifiedMention,
    department: str,
    event_id: str,
    now: datetime,
    priority: str = "normal",
    sla_deadline: datetime | None = None,
) -> RoutingDecision:
    """The warning for the department that replied, about the reply's mention (whose
    priority and deadline it repeats, so readers of the topic keep them)."""
    return RoutingDecision.model_validate(
        {
            "decision_id": f"route:{classified.mention.id}:guideline:{warning.rule}:{event_id}",
            "kind": "guideline_warning",
            "relationship_id": classified.mention.relationship_id,
            "classified": classified,
            "departments": [
                DepartmentRoute(department=department, rule=f"guideline:{warning.rule}")
            ],
            "priority": priority,
            "sla_deadline": sla_deadline,
            "decided_at": now,
            "notice": RoutingNotice(
                reason=warning.reason,
                channel=warning.channel,
                observed=warning.observed,
                threshold=warning.threshold,
            ),
        }
    )
