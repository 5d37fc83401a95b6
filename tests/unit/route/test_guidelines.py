"""Guidelines: a daily reply budget and a minimum gap per channel warn, never block."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.common.organisation_routing import Guidelines
from services.route.guidelines import ChannelUsage, record_reply, warning_decision
from tests.unit.route.builders import FRIDAY, classified

RULES = Guidelines(
    daily_reply_budget=3,
    min_gap_minutes=5,
    per_channel={"x": Guidelines(daily_reply_budget=1)},
)


def replies(channel: str, times: list[datetime]) -> list[list[str]]:
    usage: ChannelUsage | None = None
    seen = []
    for at in times:
        usage, warnings = record_reply(usage, channel, at, RULES)
        seen.append([w.rule for w in warnings])
    return seen


def test_over_the_daily_budget_warns_on_every_further_reply() -> None:
    times = [FRIDAY + timedelta(minutes=10 * i) for i in range(5)]
    assert replies("facebook", times) == [
        [],
        [],
        [],
        ["daily_reply_budget"],
        ["daily_reply_budget"],
    ]


def test_a_channel_override_keeps_the_other_guidelines() -> None:
    times = [FRIDAY, FRIDAY + timedelta(minutes=2)]
    assert replies("x", times) == [[], ["daily_reply_budget", "min_gap"]]


def test_too_short_a_gap_warns_and_the_gap_edge_is_fine() -> None:
    times = [FRIDAY, FRIDAY + timedelta(minutes=5), FRIDAY + timedelta(minutes=9)]
    assert replies("facebook", times) == [[], [], ["min_gap"]]


def test_the_budget_resets_at_local_midnight_not_utc_midnight() -> None:
    # 22:30 and 23:30 UTC in November are 23:30 and 00:30 in Amsterdam: two days
    late = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)
    times = [late - timedelta(hours=2), late - timedelta(hours=1), late, late + timedelta(hours=1)]
    assert replies("facebook", times) == [[], [], [], []]
    same_day = [late - timedelta(hours=3 - i) for i in range(4)]  # 20:30..23:30 local
    assert replies("facebook", same_day) == [[], [], [], ["daily_reply_budget"]]


def test_a_warning_is_a_routing_event_for_the_replying_department() -> None:
    _, [warning] = record_reply(ChannelUsage(day=FRIDAY.date(), replies=1), "x", FRIDAY, RULES)
    deadline = FRIDAY + timedelta(hours=2)
    decision = warning_decision(
        warning, classified(["press"]), "communicatie", "ev-1", FRIDAY, "high", deadline
    )
    assert decision.kind == "guideline_warning"
    # it repeats the mention's priority and deadline, so readers of the topic keep them
    assert (decision.priority, decision.sla_deadline) == ("high", deadline)
    assert [r.department for r in decision.departments] == ["communicatie"]
    assert decision.notice is not None
    assert (decision.notice.observed, decision.notice.threshold) == (2, 1)
