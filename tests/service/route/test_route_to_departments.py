"""Route and notify as processes: an expired claim reaches the department queues as deliveries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas import DepartmentDelivery
from tests.service.route.conftest import RouteUnderTest
from tests.service.route.test_route_service import DEADLINE, TEN
from tests.support.kafka_reading import read_topic
from tests.support.processes import ServiceProcess

pytestmark = pytest.mark.kafka


def test_escalation_is_delivered_to_the_next_departments_queue(
    route_service: RouteUnderTest,
) -> None:
    notify = ServiceProcess(
        "notify",
        {**route_service.env, "WEBCARE_NOTIFY_METRICS_PORT": "0"},
        route_service.log_path.with_name("notify.log"),
    ).start()
    try:
        route_service.set_clock(TEN)
        route_service.start()
        route_service.mention(["press"], TEN)
        route_service.event("claimed", "femke", TEN, "communicatie")  # route may see it first:
        route_service.set_clock(DEADLINE)  # either way nobody replied by the deadline

        def escalated(values: list[bytes]) -> bool:
            return any(
                DepartmentDelivery.model_validate_json(v).kind == "escalated" for v in values
            )

        service_queue = read_topic(
            route_service.bootstrap, route_service.topics.department("service"), escalated, 120
        )
        deliveries = [DepartmentDelivery.model_validate_json(v) for v in service_queue]
        [delivery] = [d for d in deliveries if d.kind == "escalated"]
        assert delivery.mention.id == "x:1"
        assert delivery.route.rule == "escalation:1"
        assert delivery.notice is not None
        assert delivery.notice.escalation_level == 1
        assert delivery.sla_deadline == DEADLINE + timedelta(minutes=120)

        def back_in_queue(values: list[bytes]) -> bool:
            kinds = {DepartmentDelivery.model_validate_json(v).kind for v in values}
            return {"mention", "sla_expired"} <= kinds

        communicatie = read_topic(
            route_service.bootstrap,
            route_service.topics.department("communicatie"),
            back_in_queue,
            60,
        )
        kinds = sorted(DepartmentDelivery.model_validate_json(v).kind for v in communicatie)
        assert kinds == ["mention", "sla_expired"]  # the mention, then once more: unanswered
    finally:
        notify.stop()
