"""How history applies each kind of RoutingDecision, on SQLite and PostgreSQL.

Only `mention` and `escalated` route the mention (priority, SLA deadline,
departments); every other kind is route's notice about it and lands on the
mention's trail without changing its routes, priority or deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from schemas import DepartmentRoute, RoutingNotice
from services.history.database import ConversationEventRow, MentionRouteRow, session_factories
from services.history.projection import NOTICE_KINDS, ROUTING_KINDS, Message, project
from tests.unit.history.conftest import admin_client
from tests.unit.history.test_projection import (
    T0,
    classified,
    mention,
    mention_row,
    routed,
    snapshot,
)

FIRST_DEADLINE = T0 + timedelta(hours=4)
LATER = T0 + timedelta(hours=5)
NEW_DEADLINE = T0 + timedelta(hours=9)

# kind -> (routes the mention?, on the trail?)
KINDS: dict[str, tuple[bool, bool]] = {
    "mention": (True, False),
    "escalated": (True, True),
    "sla_expired": (False, True),
    "claim_refused": (False, True),
    "sticky_hint": (False, True),
    "guideline_warning": (False, True),
    "crisis_raised": (False, True),
    "crisis_cleared": (False, True),
    # the conversation event reply_failed is on the trail already; route's notice only
    # carries it to the department
    "reply_failed": (False, False),
}


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


@pytest.fixture
def client(engine: Engine) -> TestClient:
    return admin_client(engine)  # type: ignore[return-value]


def test_the_table_covers_every_routing_kind() -> None:
    from typing import get_args

    from schemas.messages import RoutingKind

    assert set(KINDS) == set(get_args(RoutingKind))
    assert {k for k, (routes, _) in KINDS.items() if routes} == ROUTING_KINDS
    assert {k for k, (_, trail) in KINDS.items() if trail} == NOTICE_KINDS


def later_decision(kind: str, **changes: Any) -> Any:
    """A second decision about mastodon:1, an hour after its deadline, to department `juridisch`."""
    c = classified(mention())
    fields: dict[str, Any] = {
        "decision_id": f"{kind}-1",
        "kind": kind,
        "departments": [DepartmentRoute(department="juridisch", rule=f"{kind}-rule")],
        "priority": "urgent",
        "sla_deadline": NEW_DEADLINE,
        "notice": RoutingNotice(reason=f"because {kind}", channel="mastodon")
        if kind != "mention"
        else None,
    }
    fields.update(changes)
    return routed(c, at=LATER, **fields)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_later_decision_by_kind(kind: str, store, readers, client) -> None:
    routes_it, on_trail = KINDS[kind]
    first = routed(classified(mention()))
    store(first, later_decision(kind))

    row = mention_row(readers, "mastodon:1")
    with readers() as session:
        departments = set(
            session.scalars(
                select(MentionRouteRow.department).where(MentionRouteRow.mention_id == row.id)
            )
        )
    if routes_it:
        assert (row.priority, row.sla_deadline, row.decision_id) == (
            "urgent",
            NEW_DEADLINE,
            f"{kind}-1",
        )
        assert departments == {"vrijwilligers", "communicatie", "juridisch"}
    else:
        assert (row.priority, row.sla_deadline, row.decision_id) == (
            "high",
            FIRST_DEADLINE,
            first.decision_id,
        )
        assert departments == {"vrijwilligers", "communicatie"}

    trail = client.get("/v1/mentions/mastodon:1").json()["trail"]
    notices = [item for item in trail if item["kind"] == kind and item["actor"] == "route"]
    if on_trail:
        assert [(n["department"], n["text"], n["channel"]) for n in notices] == [
            ("juridisch", f"because {kind}", "mastodon")
        ]
        assert notices[0]["at"].startswith(LATER.isoformat()[:19])
        assert notices[0]["mention_id"] == "mastodon:1"
    else:
        assert notices == []
    # Notices are trail items, never conversation events of people.
    page = client.get("/v1/relationships/rel-aaaa/conversation").json()
    assert {e["kind"] for e in page["events"]} <= {"claimed", "released", "replied"}
    from_route = [i["kind"] for i in page["items"] if i["actor"] == "route"]
    assert from_route.count(kind) == (1 if on_trail else 0)


@pytest.mark.parametrize("kind", sorted(NOTICE_KINDS))
def test_a_notice_is_stored_once_per_department_and_replays_change_nothing(
    kind: str, store, engine
) -> None:
    decision = later_decision(
        kind,
        departments=[
            DepartmentRoute(department="juridisch", rule="r"),
            DepartmentRoute(department="service", rule="r"),
        ],
    )
    store(routed(classified(mention())), decision)
    before = snapshot(engine)
    store(decision)
    assert snapshot(engine) == before
    notices = [e for e in before["conversation_events"] if e["kind"] == kind]
    assert sorted(n["department"] for n in notices) == ["juridisch", "service"]


@pytest.mark.parametrize("kind", sorted(NOTICE_KINDS - ROUTING_KINDS))
def test_a_notice_before_the_first_routing_leaves_the_routing_to_it(
    kind: str, store, readers
) -> None:
    store(later_decision(kind), routed(classified(mention())))
    row = mention_row(readers, "mastodon:1")
    assert (row.priority, row.sla_deadline) == ("high", FIRST_DEADLINE)
    with readers() as session:
        kinds = set(session.scalars(select(ConversationEventRow.kind)))
    assert kinds == {kind}


def test_notices_of_an_erased_relationship_are_deleted(store, engine) -> None:
    from tests.unit.history.test_projection import event

    store(routed(classified(mention())), later_decision("sla_expired"))
    store(event("erase-1", kind="erased", mention_id=None, department=None, at=LATER))
    events = snapshot(engine)["conversation_events"]
    assert [e["kind"] for e in events] == ["erased"]
