"""What departments receive and the keys that make each delivery happen once."""

import hashlib
import hmac

import pytest
from pydantic import ValidationError

from services.notify.deliveries import deliveries_for, idempotency_key, inbox_link
from services.notify.settings import NotifySettings
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
        assert delivery.conversation_url == "http://api.example:8000/mentions/x%3A1"


@pytest.mark.parametrize(
    ("public_url", "mention_id", "link"),
    [
        ("http://127.0.0.1:8000", "x:1", "http://127.0.0.1:8000/mentions/x%3A1"),
        ("https://webcare.example.org/", "x:1", "https://webcare.example.org/mentions/x%3A1"),
        (
            "https://example.org/webcare/",
            "mastodon:11",
            "https://example.org/webcare/mentions/mastodon%3A11",
        ),
        (
            "https://w.example.org",
            "rss:https://blog.example.org/2025/03/post?id=4#top",
            "https://w.example.org/mentions/"
            "rss%3Ahttps%3A%2F%2Fblog.example.org%2F2025%2F03%2Fpost%3Fid%3D4%23top",
        ),
        ("https://w.example.org", "x:a b%c", "https://w.example.org/mentions/x%3Aa%20b%25c"),
    ],
)
def test_the_link_is_the_mentions_inbox_page(public_url: str, mention_id: str, link: str) -> None:
    assert inbox_link(public_url, mention_id) == link


def test_public_url_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEBCARE_PUBLIC_API_URL", raising=False)
    monkeypatch.delenv("WEBCARE_PUBLIC_URL", raising=False)
    assert str(NotifySettings().public_url) == "http://127.0.0.1:8000/"
    monkeypatch.setenv("WEBCARE_PUBLIC_API_URL", "http://old.example:8000")  # its former name
    assert str(NotifySettings().public_url) == "http://old.example:8000/"
    monkeypatch.setenv("WEBCARE_PUBLIC_URL", "https://webcare.example.org/")
    assert str(NotifySettings().public_url) == "https://webcare.example.org/"
    for bad in ("ftp://webcare.example.org", "webcare.example.org", "https://w.example.org/?a=1"):
        monkeypatch.setenv("WEBCARE_PUBLIC_URL", bad)
        with pytest.raises(ValidationError, match="WEBCARE_PUBLIC_URL"):
            NotifySettings()
    assert NotifySettings.model_fields["public_url"].description


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
