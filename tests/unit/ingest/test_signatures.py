"""Timestamped webhook signatures: tolerance, replays, rotation, unsigned sources, old format."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from services.ingest.signatures import SeenSignatures, SourceKeys, WebhookAuth, sign

NOW = 1_800_000_000
BODY = b'{"source": "linkedin", "external_id": "1"}'
NEW, OLD = b"new-secret", b"old-secret"


def auth(**overrides: object) -> WebhookAuth:
    sources = {
        "linkedin": SourceKeys("X-Webcare-Signature", (NEW, OLD)),
        "facebook": SourceKeys("X-Webcare-Signature", ()),
    }
    return WebhookAuth(sources, **overrides)  # type: ignore[arg-type]


def headers(value: str) -> dict[str, str]:
    return {"x-webcare-signature": value}


def test_the_format_is_hmac_of_timestamp_dot_body() -> None:
    expected = hmac.new(NEW, b"%d." % NOW + BODY, hashlib.sha256).hexdigest()
    assert sign(NEW, BODY, NOW) == f"t={NOW},v1={expected}"


def test_a_fresh_signature_is_accepted_once() -> None:
    webhooks = auth()
    signed = headers(sign(NEW, BODY, NOW))
    assert webhooks.check(BODY, signed, ["linkedin"], NOW + 10).problems == []
    [problem] = webhooks.check(BODY, signed, ["linkedin"], NOW + 20).problems
    assert "already used" in problem


@pytest.mark.parametrize("skew", [-301, 301, -10_000_000, 3_600])
def test_a_stale_or_future_signature_is_refused(skew: int) -> None:
    webhooks = auth()
    [problem] = webhooks.check(
        BODY, headers(sign(NEW, BODY, NOW)), ["linkedin"], NOW + skew
    ).problems
    assert "timestamp" in problem


def test_both_secrets_sign_during_a_rotation_and_others_do_not() -> None:
    webhooks = auth()
    assert webhooks.check(BODY, headers(sign(OLD, BODY, NOW)), ["linkedin"], NOW).problems == []
    assert webhooks.check(BODY, headers(sign(NEW, BODY, NOW + 1)), ["linkedin"], NOW).problems == []
    [problem] = webhooks.check(BODY, headers(sign(b"guess", BODY, NOW)), ["linkedin"], NOW).problems
    assert "does not match" in problem


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "missing"),
        ("sha256=" + hmac.new(NEW, BODY, hashlib.sha256).hexdigest(), "body-only"),
        (f"t={NOW}", "malformed"),
        (f"v1={'0' * 64}", "malformed"),
        (f"t=now,v1={'0' * 64}", "malformed"),
        (f"t={NOW},v1=zz{'0' * 62}", "malformed"),
    ],
)
def test_missing_old_and_malformed_signatures_are_refused(value: str, words: str) -> None:
    [problem] = auth().check(BODY, headers(value), ["linkedin"], NOW).problems
    assert words in problem


def test_a_changed_body_or_timestamp_does_not_match() -> None:
    value = sign(NEW, BODY, NOW)
    assert auth().check(BODY + b" ", headers(value), ["linkedin"], NOW).problems
    moved = value.replace(f"t={NOW}", f"t={NOW + 1}")
    assert auth().check(BODY, headers(moved), ["linkedin"], NOW).problems


def test_unsigned_only_when_configured() -> None:
    webhooks = auth()
    assert webhooks.check(BODY, {}, ["facebook"], NOW).problems == []
    [problem] = webhooks.check(BODY, {}, ["tiktok"], NOW).problems
    assert "not a webhook source" in problem
    assert WebhookAuth().check(BODY, {}, ["facebook"], NOW).problems


def test_a_refused_request_uses_up_no_signature_and_a_503_gives_it_back() -> None:
    webhooks = auth()
    signed = headers(sign(NEW, BODY, NOW))
    # one of its sources is refused: the linkedin signature stays unused
    assert webhooks.check(BODY, signed, ["linkedin", "tiktok"], NOW).problems
    verdict = webhooks.check(BODY, signed, ["linkedin"], NOW)
    assert verdict.problems == []
    webhooks.release(verdict)  # Kafka was away: the bridge sends the same request again
    assert webhooks.check(BODY, signed, ["linkedin"], NOW).problems == []


def test_replay_memory_is_bounded_and_forgets_what_expired() -> None:
    webhooks = auth(seen=SeenSignatures(capacity=3), tolerance_s=300.0)
    for n in range(3):
        body = BODY + b" " * n
        assert webhooks.check(body, headers(sign(NEW, body, NOW)), ["linkedin"], NOW).problems == []
    fourth = BODY + b"    "
    verdict = webhooks.check(fourth, headers(sign(NEW, fourth, NOW)), ["linkedin"], NOW)
    assert verdict.full
    assert not verdict.problems
    assert len(webhooks.seen) == 3
    # once the first three are past their tolerance they are forgotten, and cannot be replayed
    later = NOW + 301
    fresh = headers(sign(NEW, fourth, later))
    assert webhooks.check(fourth, fresh, ["linkedin"], later).problems == []
    assert len(webhooks.seen) == 1
    old = headers(sign(NEW, BODY, NOW))
    assert "timestamp" in webhooks.check(BODY, old, ["linkedin"], later).problems[0]
