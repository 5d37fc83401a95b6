"""The routing section of the organisation file: priority, escalation, hours, guidelines, crisis.

Hung on `Organisation.routing` with defaults for everything, so a file without
the section keeps the behaviour of the walking skeleton. The route service
reads it; `webcare route backtest --config` replays history through another one.
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Priority = Literal["low", "normal", "high", "urgent"]
PRIORITY_ORDER: tuple[Priority, ...] = ("low", "normal", "high", "urgent")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PriorityRule(_Strict):
    """Every condition given must hold; of all rules that match, the highest priority wins."""

    name: str
    priority: Priority
    topics: list[Slug] = Field(default_factory=list, description="Any of these topics.")
    untagged: bool | None = Field(default=None, description="True: only mentions without topic.")
    sentiment: Literal["negative", "neutral", "positive"] | None = None
    min_followers: int | None = Field(default=None, ge=0, description="Author reach.")
    keywords: list[str] = Field(
        default_factory=list, description="Any of these words (case-insensitive, word start)."
    )


def _default_priority_rules() -> list[PriorityRule]:
    """The skeleton's hard-coded priorities, written as rules."""
    return [
        PriorityRule(
            name="touchy-negative",
            priority="urgent",
            topics=["complaints", "press"],
            sentiment="negative",
        ),
        PriorityRule(name="touchy", priority="high", topics=["complaints", "press"]),
        PriorityRule(name="untagged", priority="low", untagged=True),
    ]


class WorkingHours(_Strict):
    """When a department works, in its own time zone; outside them the SLA clock pauses, or
    the mention also goes to the on-call department and the clock runs."""

    timezone: str = "Europe/Amsterdam"
    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS[:5]))
    start: time = time(9, 0)
    end: time = time(17, 0)
    holidays: list[date] = Field(default_factory=list, description="Local dates off.")
    outside_hours: Literal["pause", "on_call"] = "pause"
    on_call_department: Slug | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"unknown time zone {value!r}") from err
        return value

    @model_validator(mode="after")
    def _consistent(self) -> WorkingHours:
        if not self.days:
            raise ValueError("days: at least one working day is needed")
        if self.end <= self.start:
            raise ValueError("end must be after start (same day)")
        if self.outside_hours == "on_call" and self.on_call_department is None:
            raise ValueError("on_call_department is required when outside_hours is on_call")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Guidelines(_Strict):
    """Agreements about posting, per channel account: measured and warned about, never enforced."""

    daily_reply_budget: int | None = Field(default=None, ge=1, description="Replies per day.")
    min_gap_minutes: float | None = Field(default=None, ge=0, description="Between two posts.")
    per_channel: dict[str, Guidelines] = Field(
        default_factory=dict, description="Overrides per channel (x, facebook, ...)."
    )
    timezone: str = "Europe/Amsterdam"

    def for_channel(self, channel: str) -> Guidelines:
        override = self.per_channel.get(channel)
        if override is None:
            return self
        return Guidelines(
            daily_reply_budget=override.daily_reply_budget or self.daily_reply_budget,
            min_gap_minutes=(
                override.min_gap_minutes
                if override.min_gap_minutes is not None
                else self.min_gap_minutes
            ),
            timezone=self.timezone,
        )


class CrisisThresholds(_Strict):
    """A crisis is `min_count` or more negative/complaint mentions in the last `window_minutes`,
    and at least `factor` times the average per window over the `baseline_hours` before."""

    enabled: bool = True
    window_minutes: int = Field(default=60, ge=1, le=24 * 60)
    baseline_hours: int = Field(default=24, ge=1, le=24 * 28)
    factor: float = Field(default=3.0, gt=1.0)
    min_count: int = Field(default=10, ge=1)
    topics: list[Slug] = Field(
        default_factory=lambda: ["complaints"], description="Mentions with these topics count."
    )
    count_negative: bool = Field(default=True, description="Negative mentions count too.")


class RoutingPolicy(_Strict):
    default_priority: Priority = "normal"
    priority_rules: list[PriorityRule] = Field(default_factory=_default_priority_rules)
    escalation_path: list[Slug] = Field(
        default_factory=list, description="Departments an expired mention escalates to, in order."
    )
    working_hours: dict[Slug, WorkingHours] = Field(
        default_factory=dict, description="Per department; a department not named works 24/7."
    )
    stickiness_minutes: int = Field(
        default=7 * 24 * 60, ge=0, description="Whoever replied last within this gets a hint."
    )
    guidelines: Guidelines = Field(default_factory=Guidelines)
    crisis: CrisisThresholds = Field(default_factory=CrisisThresholds)
    crisis_team: list[Slug] = Field(
        default_factory=list, description="Who gets crisis events; empty: the triage department."
    )

    def referenced_departments(self) -> dict[str, list[str]]:
        """Department slugs this policy names, by where; the organisation checks they exist."""
        return {
            "escalation_path": list(self.escalation_path),
            "working_hours": list(self.working_hours),
            "working_hours.on_call_department": [
                h.on_call_department for h in self.working_hours.values() if h.on_call_department
            ],
            "crisis_team": list(self.crisis_team),
        }

    def referenced_topics(self) -> dict[str, list[str]]:
        """Topic slugs this policy names; defaults name the default taxonomy, so only set ones."""
        named: dict[str, list[str]] = {}
        if "priority_rules" in self.model_fields_set:
            named["priority_rules.topics"] = [t for r in self.priority_rules for t in r.topics]
        if "crisis" in self.model_fields_set:
            named["crisis.topics"] = list(self.crisis.topics)
        return named


def check_references(
    policy: RoutingPolicy, department_slugs: list[str], topic_slugs: list[str]
) -> None:
    """Raises ValueError naming the field when the policy names an unknown department or topic."""
    for where, slugs in policy.referenced_departments().items():
        unknown = sorted(set(slugs) - set(department_slugs))
        if unknown:
            raise ValueError(f"routing.{where}: unknown department(s) {unknown}")
    for where, slugs in policy.referenced_topics().items():
        unknown = sorted(set(slugs) - set(topic_slugs))
        if unknown:
            raise ValueError(f"routing.{where}: unknown topic(s) {unknown}")
