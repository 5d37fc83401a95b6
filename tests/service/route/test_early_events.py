"""Route held back: conversation events written before their mention reaches route's input
are kept (across a restart) and applied in order when it comes."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import pytest

from tests.conftest import free_port
from tests.service.route.conftest import RouteUnderTest
from tests.service.route.test_route_service import DEADLINE, TEN, escalations, of_kind, refused

pytestmark = pytest.mark.kafka


def gauge(url: str, name: str) -> float | None:
    try:
        text = httpx.get(url, timeout=5).text
    except httpx.HTTPError:
        return None
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return None


def wait_gauge(url: str, name: str, value: float, timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    seen = None
    while time.monotonic() < deadline:
        seen = gauge(url, name)
        if seen == value:
            return
        time.sleep(0.3)
    pytest.fail(f"{name} is {seen}, not {value}, after {timeout_s}s")


def test_early_claims_and_replies_wait_for_their_mention(route_service: RouteUnderTest) -> None:
    port = free_port()
    route_service.env["WEBCARE_ROUTE_METRICS_PORT"] = str(port)
    metrics = f"http://127.0.0.1:{port}/metrics"
    route_service.set_clock(TEN)
    route_service.start()
    # before classify has handed the mentions on: two claims on x:1, a reply on x:2
    route_service.event("claimed", "femke", TEN, "communicatie", "x:1")
    route_service.event("claimed", "dewi", TEN + timedelta(minutes=1), "service", "x:1")
    route_service.event("replied", "femke", TEN + timedelta(minutes=5), "communicatie", "x:2")
    wait_gauge(metrics, "webcare_route_early_events", 3)

    # they survive a restart (the changelog-backed table)
    route_service.stop()
    route_service.start()
    route_service.mention(["press"], TEN, mention_id="x:1")
    route_service.mention(["press"], TEN, mention_id="x:2")

    # femke's early claim holds: dewi's is refused naming her
    decisions = route_service.wait_for(refused("dewi", "femke"))
    assert {d.classified.mention.id for d in of_kind(decisions, "mention").values()} == {
        "x:1",
        "x:2",
    }
    wait_gauge(metrics, "webcare_route_early_events", 0)
    # the early reply stopped x:2's SLA timer: only x:1 expires at the deadline
    route_service.set_clock(DEADLINE)
    decisions = route_service.wait_for(escalations(1))
    expired = of_kind(decisions, "sla_expired").values()
    assert {d.classified.mention.id for d in expired} == {"x:1"}
