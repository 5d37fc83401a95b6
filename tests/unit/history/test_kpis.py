"""Response KPIs: the pure computation table-driven, then the same facts read from both
databases through the projection, and the endpoint with its authentication."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from schemas import DepartmentRoute
from services.history.database import session_factories
from services.history.kpis import MentionFacts, compute, load, outcome, percentile
from services.history.projection import Message, project
from tests.unit.history.conftest import admin_client
from tests.unit.history.test_projection import T0, classified, event, mention, routed

H = timedelta(hours=1)
NOW = T0 + 10 * H


def facts(
    n: int,
    reply_after: timedelta | None,
    sla: timedelta | None = 4 * H,
    routes: tuple[tuple[str, tuple[str, ...]], ...] = (("service", ("complaints",)),),
    topics: tuple[str, ...] = ("complaints",),
) -> MentionFacts:
    return MentionFacts(
        mention_id=f"m{n}",
        created_at=T0,
        sla_deadline=T0 + sla if sla is not None else None,
        first_reply_at=T0 + reply_after if reply_after is not None else None,
        routes=routes,
        topics=topics,
    )


@pytest.mark.parametrize(
    ("reply_after", "sla", "now", "expected"),
    [
        (H, 4 * H, NOW, "within_sla"),
        (4 * H, 4 * H, NOW, "within_sla"),  # on the deadline is in time
        (5 * H, 4 * H, NOW, "late"),
        (None, 4 * H, NOW, "never"),
        (None, 4 * H, T0 + 4 * H, "never"),  # the deadline has come
        (None, 4 * H, T0 + 3 * H, "pending"),
        (None, None, NOW, "pending"),  # no deadline: never overdue
        (50 * H, None, NOW, "within_sla"),
    ],
)
def test_outcome(
    reply_after: timedelta | None, sla: timedelta | None, now: datetime, expected: str
) -> None:
    assert outcome(facts(1, reply_after, sla), now) == expected


@pytest.mark.parametrize(
    ("reply_after", "expected"),
    [(H, "late"), (None, "never")],  # the escalated deadline (20 h) is still ahead
)
def test_a_breached_mention_stays_late(reply_after: timedelta | None, expected: str) -> None:
    breached = MentionFacts(**{**facts(1, reply_after, 20 * H).__dict__, "breached": True})
    assert outcome(breached, NOW) == expected


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([], 0.5, None),
        ([7.0], 0.5, 7.0),
        ([7.0], 0.9, 7.0),
        ([1.0, 2.0, 3.0, 4.0], 0.5, 2.0),
        ([1.0, 2.0, 3.0, 4.0], 0.9, 4.0),
        ([float(n) for n in range(1, 11)], 0.9, 9.0),
        ([float(n) for n in range(1, 11)], 0.5, 5.0),
    ],
)
def test_percentile(values: list[float], p: float, expected: float | None) -> None:
    assert percentile(values, p) == expected


def row(kpis: list[Any], department: str, topic: str) -> Any:
    found = [k for k in kpis if k.department == department and k.topic == topic]
    assert len(found) == 1, (department, topic, kpis)
    return found[0]


def test_compute_counts_shares_and_response_times() -> None:
    mentions = [
        facts(1, timedelta(minutes=10)),
        facts(2, timedelta(minutes=30)),
        facts(3, 5 * H),  # late
        facts(4, None),  # never
        facts(5, None, sla=20 * H),  # pending
    ]
    [kpi] = compute(mentions, NOW)
    assert (kpi.department, kpi.topic, kpi.routed, kpi.answered) == ("service", "complaints", 5, 3)
    assert (kpi.answered_within_sla, kpi.answered_late, kpi.never_answered, kpi.pending) == (
        2,
        1,
        1,
        1,
    )
    assert (kpi.share_within_sla, kpi.share_late, kpi.share_never_answered) == (0.4, 0.2, 0.2)
    assert kpi.first_response_p50_s == 1800.0
    assert kpi.first_response_p90_s == 5 * 3600.0
    assert kpi.first_response_mean_s == pytest.approx((600 + 1800 + 18000) / 3)


def test_compute_splits_by_department_and_topic() -> None:
    mentions = [
        facts(
            1,
            H,
            routes=(("service", ("complaints",)), ("communicatie", ())),
            topics=("complaints", "press"),
        ),
        facts(2, None, routes=(("fondsenwerving", ("fundraising", "complaints")),)),
        facts(3, None, routes=(("communicatie", ()),), topics=()),
    ]
    kpis = compute(mentions, NOW)
    assert [(k.department, k.topic, k.routed) for k in kpis] == [
        ("communicatie", "complaints", 1),
        ("communicatie", "press", 1),
        ("communicatie", "unclassified", 1),
        ("fondsenwerving", "complaints", 1),
        ("fondsenwerving", "fundraising", 1),
        ("service", "complaints", 1),
    ]
    assert row(kpis, "communicatie", "unclassified").share_never_answered == 1.0
    assert row(kpis, "communicatie", "unclassified").first_response_p50_s is None
    assert row(kpis, "service", "complaints").first_response_mean_s == 3600.0


def test_nothing_routed_is_no_rows() -> None:
    assert compute([], NOW) == []


# The same facts through the projection, on SQLite and PostgreSQL.


def corpus() -> list[Message]:
    out: list[Message] = []
    replies = {"1": 10 * 60, "2": 5 * 3600, "3": None, "4": 30}
    for n, (ext, reply_s) in enumerate(replies.items()):
        m = mention(ext, created_at=T0 + timedelta(minutes=n))
        c = classified(m, topics=["complaints"])
        out.append(
            routed(
                c,
                departments=[
                    DepartmentRoute(department="service", matched_topics=["complaints"], rule="t")
                ],
                sla_deadline=m.created_at + 4 * H,
            )
        )
        if reply_s is not None:
            at = m.created_at + timedelta(seconds=reply_s)
            out.append(event(f"reply-{ext}", kind="replied", mention_id=m.id, text="hi", at=at))
            # A later reply does not change the first response.
            out.append(
                event(f"reply2-{ext}", kind="replied", mention_id=m.id, text="again", at=at + H)
            )
        out.append(event(f"claim-{ext}", kind="claimed", mention_id=m.id, at=m.created_at))
    out.append(mention("99", created_at=T0))  # never routed: not counted
    return out


@pytest.fixture
def put(engine: Engine) -> Callable[..., None]:
    _readers, writers = session_factories(engine)

    def apply(*messages: Message) -> None:
        for message in messages:
            project(writers, message, retry_delays_s=())

    return apply


def test_load_reads_routes_deadlines_and_first_replies(
    engine: Engine, put: Callable[..., None]
) -> None:
    put(*corpus())
    readers, _writers = session_factories(engine)
    with readers() as session:
        loaded = {f.mention_id: f for f in load(session)}
        windowed = {f.mention_id for f in load(session, T0 + timedelta(minutes=1), T0 + 3 * H)}
    assert sorted(loaded) == ["mastodon:1", "mastodon:2", "mastodon:3", "mastodon:4"]
    assert loaded["mastodon:1"].first_reply_at == T0 + timedelta(minutes=10)
    assert loaded["mastodon:3"].first_reply_at is None
    assert loaded["mastodon:2"].sla_deadline == T0 + timedelta(minutes=1) + 4 * H
    assert loaded["mastodon:1"].routes == (("service", ("complaints",)),)
    assert windowed == {"mastodon:2", "mastodon:3", "mastodon:4"}
    assert not any(f.breached for f in loaded.values())


def test_an_escalation_marks_the_mention_breached(engine: Engine, put: Callable[..., None]) -> None:
    """Route's escalation moves the deadline; the reply before the new one is still late."""
    m = mention("7", created_at=T0)
    c = classified(m, topics=["complaints"])
    first = routed(
        c,
        departments=[
            DepartmentRoute(department="service", matched_topics=["complaints"], rule="t")
        ],
        sla_deadline=T0 + 4 * H,
    )
    escalated = routed(
        c,
        at=T0 + 4 * H,
        kind="escalated",
        departments=[DepartmentRoute(department="communicatie", rule="escalation:1")],
        sla_deadline=T0 + 8 * H,
    )
    reply = event("reply-7", kind="replied", mention_id=m.id, text="sorry", at=T0 + 5 * H)
    put(first, escalated, reply)
    readers, _writers = session_factories(engine)
    with readers() as session:
        [loaded] = load(session)
    assert loaded.breached
    assert loaded.sla_deadline == T0 + 8 * H
    kpis = compute([loaded], NOW)
    assert [(k.department, k.topic, k.answered_late) for k in kpis] == [
        ("communicatie", "complaints", 1),
        ("service", "complaints", 1),
    ]


def test_kpis_endpoint(engine: Engine, put: Callable[..., None]) -> None:
    put(*corpus())
    client: TestClient = admin_client(engine, clock=lambda: NOW)  # type: ignore[assignment]
    answer = client.get("/v1/kpis")
    assert answer.status_code == 200, answer.text
    [kpi] = answer.json()["items"]
    assert (kpi["department"], kpi["topic"], kpi["routed"]) == ("service", "complaints", 4)
    assert (kpi["answered_within_sla"], kpi["answered_late"], kpi["never_answered"]) == (2, 1, 1)
    assert kpi["share_late"] == 0.25
    assert kpi["first_response_p50_s"] == 600.0
    assert kpi["first_response_p90_s"] == 5 * 3600.0
    windowed = client.get(
        "/v1/kpis", params={"since": "2025-03-01T09:01:00Z", "until": "2025-03-01T09:02:00Z"}
    ).json()["items"]
    assert [(k["routed"], k["answered_late"]) for k in windowed] == [(1, 1)]
    empty = {"since": T0.isoformat(), "until": T0.isoformat()}
    assert client.get("/v1/kpis", params=empty).status_code == 400
    anonymous = TestClient(client.app)
    assert anonymous.get("/v1/kpis").status_code == 401


def test_replies_posted_by_publish_are_counted(engine: Engine, put: Callable[..., None]) -> None:
    put(*corpus())
    put(
        event(
            "req-1.replied",
            kind="replied",
            mention_id="mastodon:3",
            text="hi",
            post_id="110",
            post_url="https://example.social/@org/110",
            at=T0 + 2 * H,
        )
    )
    readers, _writers = session_factories(engine)
    with readers() as session:
        loaded = {f.mention_id: f for f in load(session)}
    assert {m for m, f in loaded.items() if f.posted} == {"mastodon:3"}
    [row] = compute(loaded.values(), T0 + 10 * H)
    assert (row.answered, row.answered_by_post) == (4, 1)  # recorded replies count as answers
