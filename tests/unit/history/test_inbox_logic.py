"""The inbox's pure parts: messages in both languages, countdowns, queue order, placeholders,
the sign-in windows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.history.inbox.catalogue import EN, NL, messages_for
from services.history.inbox.presenting import countdown, duration_text, fill_placeholders
from services.history.inbox.queue import STATUSES
from services.history.inbox.rate_limit import FailureWindow, LoginLimits
from services.history.inbox.web_actions import DONE

TEMPLATES = Path(__file__).resolve().parents[3] / "services" / "history" / "inbox" / "templates"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_both_languages_have_every_text_and_the_same_placeholders() -> None:
    assert set(EN) == set(NL)
    for key in EN:
        assert re.findall(r"\{(\w+)\}", EN[key]) == re.findall(r"\{(\w+)\}", NL[key]), key


def test_every_key_a_template_names_exists() -> None:
    named: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        named |= set(re.findall(r"\bt\.([a-z_0-9]+)", text))
        named |= set(re.findall(r'\bt\("([a-z_0-9]+)"', text))
    named.discard("language")  # the Messages object's own language code, not a text
    prefixes = {name for name in named if name.endswith("_")}  # t("status_" ~ s) and the like
    assert prefixes == {"status_", "done_", "error_"}
    assert named - prefixes - set(EN) == set()
    assert {f"status_{s}" for s in STATUSES} <= set(EN)
    assert {f"done_{d}" for d in DONE.values()} <= set(EN)
    refusals = {"claim_conflict", "forbidden", "not_routed_yet", "kafka_unavailable", "invalid"}
    refusals |= {"confirm_warnings", "reply_too_long", "no_reply_channel", "no_account"}
    assert {f"error_{e}" for e in refusals | {"unknown_topics"}} <= set(EN)


def test_messages_fall_back_and_fill_in() -> None:
    assert messages_for("nl").claim == "Claimen"
    assert messages_for("fr").claim == "Claimen"  # unknown language: Dutch, the default
    assert messages_for("en")("due_in", left="5m") == "due in 5m"
    assert messages_for("en").no_such_key == "no_such_key"


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(minutes=90), ("due_in", "1h 30m")),
        (timedelta(days=2, hours=3, minutes=5), ("due_in", "2d 3h")),
        (timedelta(seconds=59), ("due_in", "0m")),
        (-timedelta(minutes=4), ("overdue_by", "4m")),
        (timedelta(0), ("overdue_by", "0m")),  # the deadline instant itself is late
    ],
)
def test_countdown(delta: timedelta, expected: tuple[str, str]) -> None:
    assert countdown(NOW + delta, NOW) == expected


def test_no_deadline() -> None:
    assert countdown(None, NOW) == ("no_deadline", "")


@given(st.floats(min_value=-1e7, max_value=1e7))
def test_duration_text_is_short(seconds: float) -> None:
    assert 1 <= len(duration_text(seconds).split()) <= 2


def test_placeholders() -> None:
    values = {"author_name": "Bea", "my_name": "Anna"}
    body = "Dag {author_name}, {my_name} hier. {unknown} {department}"
    assert fill_placeholders(body, values) == "Dag Bea, Anna hier. {unknown} {department}"


def test_failure_window_slides() -> None:
    window = FailureWindow(limit=2, window_s=60)
    assert window.retry_after("bram", 0) is None
    window.failed("bram", 0)
    window.failed("bram", 10)
    assert window.retry_after("bram", 20) == pytest.approx(40)
    assert window.retry_after("bram", 61) is None  # the first failure has left the window
    window.succeeded("bram")
    assert window.retry_after("bram", 11) is None


def test_login_limits_count_per_address_too() -> None:
    limits = LoginLimits(FailureWindow(5, 300), FailureWindow(3, 300))
    for n, user in enumerate(["a", "b", "c"]):
        limits.failed(user, "10.0.0.9", float(n))
    assert limits.retry_after("d", "10.0.0.9", 3.0) is not None  # a new name, the same guesser
    assert limits.retry_after("d", "10.0.0.10", 3.0) is None
