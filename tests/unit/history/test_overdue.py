"""The overdue gauge: counted per department from the history database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from schemas import DepartmentRoute
from services.history.database import session_factories
from services.history.overdue import count_overdue, publish
from services.history.projection import Message, project
from tests.unit.history.test_projection import (
    T0,
    classified,
    event,
    mention,
    routed,
)

NOW = T0 + timedelta(hours=6)
DEPARTMENTS = ["communicatie", "service", "vrijwilligers"]


@pytest.fixture
def readers(engine: Engine) -> Callable[[], Session]:
    return session_factories(engine)[0]


@pytest.fixture
def store(engine: Engine) -> Callable[..., None]:
    writers = session_factories(engine)[1]

    def apply(*messages: Message) -> None:
        for message in messages:
            project(writers, message, retry_delays_s=(0.05, 0.1))

    return apply


def decision(external_id: str, deadline: Any, departments: list[str]) -> Any:
    return routed(
        classified(mention(external_id)),
        sla_deadline=deadline,
        departments=[DepartmentRoute(department=d, rule="topic") for d in departments],
    )


# (name, messages, expected counts at NOW)
CASES: list[tuple[str, list[Any], dict[str, int]]] = [
    ("nothing stored", [], {"communicatie": 0, "service": 0, "vrijwilligers": 0}),
    (
        "past the deadline counts for every routed department",
        [decision("1", NOW - timedelta(minutes=1), ["service", "communicatie"])],
        {"communicatie": 1, "service": 1, "vrijwilligers": 0},
    ),
    (
        "a deadline still ahead, or none, is not overdue",
        [
            decision("1", NOW + timedelta(minutes=1), ["service"]),
            decision("2", None, ["service"]),
        ],
        {"communicatie": 0, "service": 0, "vrijwilligers": 0},
    ),
    (
        "a resolved mention is not overdue, a claimed one still is",
        [
            decision("1", NOW - timedelta(hours=1), ["service"]),
            decision("2", NOW - timedelta(hours=1), ["service"]),
            event("e1", kind="resolved", mention_id="mastodon:1", department="service"),
            event("e2", kind="claimed", mention_id="mastodon:2", department="service"),
        ],
        {"communicatie": 0, "service": 1, "vrijwilligers": 0},
    ),
    (
        "several per department; unknown departments are left out",
        [
            decision("1", NOW - timedelta(hours=2), ["vrijwilligers"]),
            decision("2", NOW - timedelta(hours=1), ["vrijwilligers", "opgeheven"]),
            decision("3", NOW - timedelta(seconds=1), ["vrijwilligers"]),
        ],
        {"communicatie": 0, "service": 0, "vrijwilligers": 3},
    ),
]


@pytest.mark.parametrize(("name", "messages", "expected"), CASES, ids=[c[0] for c in CASES])
def test_count_overdue(
    name: str, messages: list[Any], expected: dict[str, int], store, engine: Engine
) -> None:
    store(*messages)
    with session_factories(engine)[0]() as session:
        assert count_overdue(session, DEPARTMENTS, NOW) == expected


def test_the_count_follows_the_clock(store, engine: Engine) -> None:
    store(decision("1", NOW, ["service"]))
    with session_factories(engine)[0]() as session:
        assert count_overdue(session, ["service"], NOW)["service"] == 0
        assert count_overdue(session, ["service"], NOW + timedelta(seconds=1))["service"] == 1


def test_no_departments_no_query(engine: Engine) -> None:
    with session_factories(engine)[0]() as session:
        assert count_overdue(session, [], NOW) == {}


def gauge(department: str) -> float | None:
    return REGISTRY.get_sample_value("webcare_overdue_mentions", {"department": department})


def test_publish_sets_each_department() -> None:
    publish({"t-overdue-a": 4, "t-overdue-b": 0})
    assert (gauge("t-overdue-a"), gauge("t-overdue-b")) == (4.0, 0.0)
    publish({"t-overdue-a": 1})
    assert gauge("t-overdue-a") == 1.0


def test_every_department_has_a_series_from_the_start(tmp_path: Path, monkeypatch) -> None:
    from services.common.organisation import load_organisation
    from services.history.app import build_app
    from services.history.database import make_engine
    from services.history.settings import HistorySettings
    from tests.conftest import REPO

    monkeypatch.delenv("WEBCARE_DATABASE_URL", raising=False)
    org = load_organisation(REPO / "deploy" / "config" / "organisation.yaml")
    publish(dict.fromkeys(org.department_slugs, 7))
    settings = HistorySettings(
        topic_prefix="t-overdue", state_dir=tmp_path, kafka_bootstrap="127.0.0.1:1"
    )
    build_app(settings, make_engine(settings.database_url), org)
    assert org.department_slugs
    assert {d: gauge(d) for d in org.department_slugs} == dict.fromkeys(org.department_slugs, 0.0)
