"""Route's later words about a mention reach notify as deliveries of their own."""

from __future__ import annotations

from datetime import timedelta

from services.notify.deliveries import deliveries_for
from services.route.claims import expire, open_case
from services.route.policy import route, sla_minutes
from tests.unit.route.builders import FRIDAY, classified, organisation

ORG = organisation(escalation_path=["communicatie"])


def test_expiry_and_escalation_are_delivered_apart_from_the_mention() -> None:
    mention = classified(["press"])
    first = route(mention, ORG, FRIDAY)
    case = open_case(first, sla_minutes(mention, ORG))
    expired, escalated = expire(case, ORG, FRIDAY + timedelta(hours=2)).decisions
    ids = {
        decision.kind: [d.delivery_id for d in deliveries_for(decision, "http://api", FRIDAY)]
        for decision in (first, expired, escalated)
    }
    assert ids["mention"] == ["x:1|communicatie"]  # unchanged for plain mentions
    assert len({*ids["mention"], *ids["sla_expired"], *ids["escalated"]}) == 3
    [delivery] = deliveries_for(escalated, "http://api", FRIDAY)
    assert delivery.kind == "escalated"
    assert delivery.route.rule == "escalation:1"
    assert delivery.notice is not None
    assert delivery.notice.escalation_level == 1
