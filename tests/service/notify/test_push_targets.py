"""notify against the real broker and real receivers: every target type gets every delivery,
through 500s, connection resets, timeouts and SMTP 4xx, and every attempt leaves a receipt."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

import pytest

from schemas import DeliveryOutcome, DeliveryReceipt, DepartmentDelivery
from services.notify.webhook import signature
from tests.service.notify.conftest import HOOK_SECRET, Notifier, decision, produce_decisions
from tests.service.notify.servers import FlakyHttpServer, RecordingSmtpServer
from tests.support.kafka_reading import read_records

pytestmark = pytest.mark.kafka

MENTIONS = 4


def test_every_target_type_gets_each_delivery_once_through_failures(
    notifier_factory: Callable[..., Notifier],
    http_target: FlakyHttpServer,
    smtp_target: RecordingSmtpServer,
) -> None:
    notifier = notifier_factory(WEBCARE_NOTIFY_ATTEMPTS="4")
    # three HTTP failures of each kind, and a temporary SMTP refusal, before anything succeeds
    http_target.fail_next(500, "reset", "slow:2")
    smtp_target.fail_next(451)
    notifier.start()
    decisions = [decision(n, ("service", "communicatie")) for n in range(MENTIONS)]
    produce_decisions(notifier.bootstrap, notifier.topics.routed, decisions)

    queue = read_records(
        notifier.bootstrap,
        notifier.topics.department("service"),
        lambda records: len(records) >= MENTIONS,
    )
    deliveries = [DepartmentDelivery.model_validate_json(r.value) for r in queue]
    assert sorted(d.mention.id for d in deliveries) == [f"x:{n}" for n in range(MENTIONS)]
    for record, delivery in zip(queue, deliveries, strict=True):
        assert ("delivery-id", delivery.delivery_id.encode()) in record.headers
        assert record.key == delivery.relationship_id.encode()

    received = http_target.wait_for_keys(3 * MENTIONS)
    by_path = Counter(r.path for r in received.values())
    assert by_path == {"/hook": MENTIONS, "/slack": MENTIONS, "/teams": MENTIONS}
    # no crash, so no copy was sent twice; and the failures were really retried
    assert len(http_target.raw) == 3 * MENTIONS
    assert http_target.attempts >= 3 * MENTIONS + 3
    for request in received.values():
        assert request.key.startswith("x:")
        body = json.loads(request.body)
        if request.path == "/hook":
            assert request.headers["X-Webcare-Signature"] == signature(HOOK_SECRET, request.body)
            assert body["department"] == "service"
        elif request.path == "/slack":
            assert "X-Webcare-Signature" not in request.headers
            assert body["text"].startswith("New mention for Service")
            assert "Claimed by: nobody yet" in body["text"]
            link = (
                f"http://inbox.test:8000/mentions/{request.key.split('|')[0].replace(':', '%3A')}"
            )
            assert body["blocks"][-1]["elements"][0]["url"] == link
        else:
            assert body["@type"] == "MessageCard"
            facts = {f["name"]: f["value"] for f in body["sections"][0]["facts"]}
            assert facts["Why"] == "matches the department's topics complaints"

    mails = smtp_target.wait_for(MENTIONS)
    assert len(mails) == MENTIONS
    assert len(smtp_target.raw) == MENTIONS
    assert smtp_target.attempts == MENTIONS + 1
    for rcpts, mail in smtp_target.raw:
        assert rcpts == ["dewi@openhart.nl"]
        assert mail["From"] == "webcare@openhart.nl"
        plain = mail.get_body(preferencelist=("plain",)).get_content()
        assert "Conversation: http://inbox.test:8000/mentions/x%3A" in plain
        html = mail.get_body(preferencelist=("html",)).get_content()
        assert "charged twice for my donation" in plain
        assert "<table>" in html

    # every attempt left a receipt: one per success, one per failed attempt
    expected_delivered = MENTIONS * (2 + 4)  # two department topics, four push targets
    receipts_raw = read_records(
        notifier.bootstrap,
        notifier.topics.notifications_sent,
        lambda records: (
            sum(
                DeliveryReceipt.model_validate_json(r.value).outcome == DeliveryOutcome.DELIVERED
                for r in records
            )
            >= expected_delivered
        ),
    )
    receipts = [DeliveryReceipt.model_validate_json(r.value) for r in receipts_raw]
    delivered = Counter(r.channel for r in receipts if r.outcome == DeliveryOutcome.DELIVERED)
    assert delivered == {
        "kafka": 2 * MENTIONS,
        "webhook": MENTIONS,
        "slack": MENTIONS,
        "teams": MENTIONS,
        "email": MENTIONS,
    }
    failed = [r for r in receipts if r.outcome == DeliveryOutcome.FAILED]
    assert len(failed) == 4  # three HTTP failures and one SMTP refusal
    assert {r.status_code for r in failed if r.channel == "email"} == {451}
    assert any(r.status_code == 500 for r in failed)
    assert sum(r.status_code is None for r in failed) == 2  # reset and timeout: no answer
    assert notifier.stop() == 0
