"""What departments receive and the keys that make each delivery happen once."""

import hashlib
import hmac

from services.notify.deliveries import deliveries_for, idempotency_key
from services.notify.webhook import signature
from services.route.policy import route
from tests.unit.factories import NOW, classified, example_organisation


def test_one_delivery_per_routed_department() -> None:
    decision = route(classified(["fundraising", "complaints"]), example_organisation(), NOW)
    deliveries = deliveries_for(decision, "http://api.example:8000/", NOW)
    assert [d.department for d in deliveries] == [r.department for r in decision.departments]
    for delivery in deliveries:
        assert delivery.mention.id == "x:1"
        assert delivery.priority == decision.priority
        assert delivery.sla_deadline == decision.sla_deadline
        assert delivery.conversation_url == (
            "http://api.example:8000/v1/relationships/rel-1/conversation"
        )


def test_idempotency_keys_are_stable_and_distinct() -> None:
    decision = route(classified(["fundraising"]), example_organisation(), NOW)
    first = deliveries_for(decision, "http://a", NOW)
    again = deliveries_for(decision, "http://a", NOW)
    keys = {idempotency_key(d, "kafka", "t") for d in first}
    assert keys == {idempotency_key(d, "kafka", "t") for d in again}
    assert len(keys) == len(first)
    assert idempotency_key(first[0], "kafka", "t") != idempotency_key(first[0], "webhook", "t")


def test_signature_is_hmac_sha256_of_the_body() -> None:
    body = b'{"a": 1}'
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert signature("s3cret", body) == f"sha256={expected}"
