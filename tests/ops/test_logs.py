"""JSON log lines carry the mention id of the message being handled, in every stage."""

from __future__ import annotations

import json
import logging

from schemas import DeliveryOutcome, DeliveryReceipt
from services.common.logs import JsonFormatter, correlation_id, mention_context
from services.notify.deliveries import deliveries_for
from services.route.policy import route
from tests.unit.factories import NOW, classified, example_organisation, mention


def test_the_mention_id_is_found_in_every_contract() -> None:
    m = mention("Ik ben boos over mijn donatie", external_id="77")
    c = classified(["fundraising"], text=m.text).model_copy(update={"mention": m})
    decision = route(c, example_organisation(), NOW)
    [delivery, *_] = deliveries_for(decision, "http://api", NOW)
    receipt = DeliveryReceipt(
        receipt_id="r",
        delivery_id=delivery.delivery_id,
        mention_id=m.id,
        relationship_id="rel-1",
        department=delivery.department,
        channel="kafka",
        target="t",
        outcome=DeliveryOutcome.DELIVERED,
        attempt=1,
        at=NOW,
    )
    for message in (m, c, decision, delivery, receipt):
        assert correlation_id(message.model_dump_json().encode()) == "x:77", type(message)


def test_messages_without_an_id_have_none() -> None:
    assert correlation_id(b"\xff not json") is None
    assert correlation_id(b'{"text": "no id here"}') is None
    assert correlation_id(b'{"id": "x:1", "text": "broken') == "x:1"  # invalid, still named


def format_line(message: str, **extra: object) -> dict[str, object]:
    record = logging.LogRecord("test", logging.WARNING, __file__, 1, message, (), None)
    for key, value in extra.items():
        setattr(record, key, value)
    line: dict[str, object] = json.loads(JsonFormatter("classify").format(record))
    return line


def test_log_lines_inside_a_mention_context_carry_its_id() -> None:
    assert "mention_id" not in format_line("outside")
    with mention_context("x:42"):
        line = format_line("dead-lettered", reason="invalid_mention")
        assert line["mention_id"] == "x:42"
        assert line["service"] == "classify"
        assert line["reason"] == "invalid_mention"
        assert format_line("explicit", mention_id="x:7")["mention_id"] == "x:7"
    assert "mention_id" not in format_line("after")
