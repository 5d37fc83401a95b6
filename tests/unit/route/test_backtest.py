"""Backtest: the same mentions under two policies, and what differs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schemas import Sentiment
from services.route.backtest import backtest, first_replies, parse_since
from tests.unit.factories import example_organisation
from tests.unit.route.builders import FRIDAY, classified, event, organisation

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
SUNDAY = FRIDAY + timedelta(days=2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", NOW - timedelta(days=7)),
        ("24h", NOW - timedelta(hours=24)),
        ("90m", NOW - timedelta(minutes=90)),
        ("2w", NOW - timedelta(weeks=2)),
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T08:00:00+01:00", datetime(2026, 11, 1, 7, tzinfo=UTC)),
    ],
)
def test_parse_since(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


def test_parse_since_names_the_option() -> None:
    with pytest.raises(ValueError, match="--since"):
        parse_since("last week", NOW)


def test_first_replies_takes_the_earliest_reply() -> None:
    events = [
        event("claimed", "a", FRIDAY),
        event("replied", "a", FRIDAY + timedelta(hours=2)),
        event("replied", "b", FRIDAY + timedelta(hours=1)),
    ]
    assert first_replies(events) == {"x:1": FRIDAY + timedelta(hours=1)}


def test_backtest_shows_what_the_new_policy_changes() -> None:
    current, proposed = organisation(), example_organisation()
    mentions = [
        classified(["programs"], text="dit is fraude", mention_id="x:fraud"),  # priority
        classified(["fundraising"], at=SUNDAY, mention_id="x:sunday"),  # on-call Communicatie
        classified(["vacancies"], mention_id="x:hr"),  # working hours: a later deadline
        classified(["press"], Sentiment.POSITIVE, mention_id="x:same"),  # nothing changes
    ]
    # Personeelszaken replied after 2 days: late on the wall clock, in time in working hours
    replies = {"x:hr": FRIDAY + timedelta(days=2, hours=1)}
    report = backtest(mentions, replies, current, proposed, NOW)
    assert report.mentions == 4
    changed = {d.mention_id: d for d in report.changed}
    assert set(changed) == {"x:fraud", "x:sunday", "x:hr"}
    assert (changed["x:fraud"].before.priority, changed["x:fraud"].after.priority) == (
        "normal",
        "urgent",
    )
    assert changed["x:sunday"].departments_changed
    assert (changed["x:hr"].outcome_before, changed["x:hr"].outcome_after) == ("late", "in_time")
    assert (
        report.departments["after"]["communicatie"]
        == report.departments["before"]["communicatie"] + 1
    )
    assert report.priorities["after"]["urgent"] == report.priorities["before"]["urgent"] + 1


def test_a_reclassified_mention_counts_once() -> None:
    again = [classified(["press"]), classified(["complaints"])]
    report = backtest(again, {}, organisation(), organisation(), NOW)
    assert report.mentions == 1
    assert report.diffs[0].before.classified.topics == ["complaints"]
