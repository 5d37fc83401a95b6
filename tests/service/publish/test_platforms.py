"""publish's Publisher against local Mastodon, PDS and webhook servers that speak the wire
formats and fail on demand; the ledger is a SQLite file. No broker: the Kafka shell around
it is tested in test_publish_service.py."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from schemas import ConversationEvent, ConversationEventKind
from services.common.organisation import Organisation
from services.common.replies import bluesky_rkey
from services.publish.app import Channels
from services.publish.ledger import Ledger
from services.publish.publisher import Publisher, RetryPolicy, Unavailable
from tests.service.publish.conftest import AUTHOR_DID, HOOK_SECRET, ORG_DID, request
from tests.support.fake_platforms import Failure, FakeMastodon, FakePds, FakeWebhookReceiver

FAST = RetryPolicy(attempts=4, base_s=0.01, cap_s=0.2)


class Sync:
    """A Publisher on its own event loop, driven from a plain test."""

    def __init__(self, organisation: Organisation, ledger_path: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(timeout=1.0)
        self.ledger = Ledger(f"sqlite:///{ledger_path}")
        self.publisher = Publisher(
            Channels(organisation, self.client), self.ledger, lambda: datetime.now(UTC), FAST
        )

    def handle(self, event: ConversationEvent) -> ConversationEvent | None:
        return self.loop.run_until_complete(self.publisher.handle(event))

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()
        self.ledger.close()


@pytest.fixture
def publisher(organisation: Organisation, tmp_path: Path) -> Iterator[Sync]:
    sync = Sync(organisation, tmp_path / "ledger.sqlite3")
    yield sync
    sync.close()


def handled(publisher: Sync, event: ConversationEvent) -> ConversationEvent:
    outcome = publisher.handle(event)
    assert outcome is not None
    return outcome


def test_mastodon_reply_is_threaded_names_the_author_and_carries_a_key(
    publisher: Sync, mastodon: FakeMastodon
) -> None:
    event = request("mastodon", "1001", account="main")
    replied = handled(publisher, event)
    assert replied.kind is ConversationEventKind.REPLIED
    assert (replied.request_id, replied.event_id) == (event.event_id, f"{event.event_id}.replied")
    [post] = mastodon.replies()
    assert post.in_reply_to_id == "1001"
    assert post.visibility == "public"
    assert post.text == "@bea@mastodon.social Dank voor je bericht, we zoeken het uit."
    assert (replied.post_id, replied.post_url) == (post.id, post.url)
    [call] = [c for c in mastodon.calls if c.method == "POST"]
    assert call.headers["idempotency-key"].startswith("webcare-")
    # the same request again (a replay) posts nothing new
    assert (handled(publisher, event)).post_id == post.id
    assert len(mastodon.replies()) == 1


def test_a_direct_message_is_answered_directly(publisher: Sync, mastodon: FakeMastodon) -> None:
    handled(publisher, request("mastodon", "1002", account="main"))
    assert [p.visibility for p in mastodon.replies()] == ["direct"]


def test_429_with_retry_after_500_timeouts_and_resets_are_retried(
    publisher: Sync, mastodon: FakeMastodon
) -> None:
    mastodon.fail_next(
        "POST /api/v1/statuses",
        Failure(429, retry_after="0.1"),
        Failure(500),
        Failure(0, hang_s=1.5),
    )
    replied = handled(publisher, request("mastodon", "1001", account="main"))
    assert replied.kind is ConversationEventKind.REPLIED
    assert len(mastodon.replies()) == 1  # the hang may have stored one: the key kept it single
    posts = [c for c in mastodon.calls if c.method == "POST"]
    assert len(posts) == 4


def test_reset_connections_are_retried(publisher: Sync, mastodon: FakeMastodon) -> None:
    mastodon.fail_next("POST /api/v1/statuses", Failure(-1), Failure(-1))
    replied = handled(publisher, request("mastodon", "1001", account="main"))
    assert replied.kind is ConversationEventKind.REPLIED
    assert len(mastodon.replies()) == 1


def test_a_4xx_fails_at_once_with_the_platforms_status(
    publisher: Sync, mastodon: FakeMastodon
) -> None:
    mastodon.fail_next("POST /api/v1/statuses", Failure(403))
    failed = handled(publisher, request("mastodon", "1001", account="main"))
    assert failed.kind is ConversationEventKind.REPLY_FAILED
    assert failed.failure_status == 403
    assert "injected" in (failed.failure_message or "")
    assert len([c for c in mastodon.calls if c.method == "POST"]) == 1


def test_an_outage_past_every_attempt_waits_instead_of_failing(
    publisher: Sync, mastodon: FakeMastodon
) -> None:
    mastodon.fail_next("POST /api/v1/statuses", *[Failure(503)] * 4)
    event = request("mastodon", "1001", account="main")
    with pytest.raises(Unavailable):
        publisher.handle(event)
    replied = handled(publisher, event)  # the batch loop's retry, later
    assert replied.kind is ConversationEventKind.REPLIED
    assert len(mastodon.replies()) == 1


def test_longer_than_the_instance_allows_fails_with_limit_and_count(
    publisher: Sync, mastodon: FakeMastodon
) -> None:
    mastodon.max_characters = 40
    failed = handled(publisher, request("mastodon", "1001", account="main"))
    assert failed.kind is ConversationEventKind.REPLY_FAILED
    assert failed.failure_status == 422
    # the mention counts as "@bea", as Mastodon counts a remote mention
    assert failed.failure_message == "45 characters, the limit is 40"
    assert mastodon.replies() == []


def test_after_the_key_window_the_ledger_and_the_account_prevent_a_second_post(
    publisher: Sync, mastodon: FakeMastodon
) -> None:
    event = request("mastodon", "1001", account="main")
    publisher.ledger.begin(event.event_id, "main", datetime.now(UTC))  # "about to post" ...
    first = handled(publisher, event)  # ... and it posts: as if the answer got lost
    publisher.ledger._finish(event.event_id, datetime.now(UTC), state="posting")
    mastodon.forget_keys()  # more than an hour later
    again = handled(publisher, event)
    assert again.post_id == first.post_id
    assert len(mastodon.replies()) == 1


def test_bluesky_reply_has_strong_refs_a_mention_facet_and_the_derived_key(
    publisher: Sync, pds: FakePds
) -> None:
    parent = f"at://{AUTHOR_DID}/app.bsky.feed.post/3reply000000b"
    event = request("bluesky", parent, account="sky", author=AUTHOR_DID, author_id=AUTHOR_DID)
    replied = handled(publisher, event)
    rkey = bluesky_rkey(event.event_id)
    assert replied.post_id == f"at://{ORG_DID}/app.bsky.feed.post/{rkey}"
    assert replied.post_url == f"https://bsky.app/profile/openhart.bsky.social/post/{rkey}"
    [post] = pds.posts_by(ORG_DID)
    record = post["value"]
    root = pds.records[(AUTHOR_DID, "app.bsky.feed.post", "3root0000000a")]
    leaf = pds.records[(AUTHOR_DID, "app.bsky.feed.post", "3reply000000b")]
    assert record["reply"]["root"] == {"uri": root["uri"], "cid": root["cid"]}
    assert record["reply"]["parent"] == {"uri": leaf["uri"], "cid": leaf["cid"]}
    assert record["text"].startswith("@bea.bsky.social ")
    [facet] = record["facets"]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert record["text"].encode()[start:end] == b"@bea.bsky.social"
    assert facet["features"][0]["did"] == AUTHOR_DID
    # a retry with the ledger's entry gone still makes no second record: the key conflicts
    publisher.ledger.engine.dispose()
    with publisher.ledger.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM publish_ledger")
    assert (handled(publisher, event)).post_id == replied.post_id
    assert len(pds.posts_by(ORG_DID)) == 1


def test_bluesky_refreshes_an_expired_session(publisher: Sync, pds: FakePds) -> None:
    parent = f"at://{AUTHOR_DID}/app.bsky.feed.post/3root0000000a"
    handled(publisher, request("bluesky", parent, account="sky", author=AUTHOR_DID))
    pds.expire_sessions()
    other = request("bluesky", parent, account="sky", author=AUTHOR_DID)
    assert (handled(publisher, other)).kind is ConversationEventKind.REPLIED
    assert (pds.sessions_created, pds.refreshed) == (1, 1)
    assert len(pds.posts_by(ORG_DID)) == 2


def test_webhook_reply_is_signed_and_deduplicated_by_the_event_id(
    publisher: Sync, receiver: FakeWebhookReceiver
) -> None:
    event = request("forum", "thread-9#p3", author="bea")
    replied = handled(publisher, event)
    [call] = receiver.calls
    expected = "sha256=" + hmac.new(HOOK_SECRET.encode(), call.body, hashlib.sha256).hexdigest()
    assert call.headers["x-webcare-signature"] == expected
    assert call.headers["x-webcare-event-id"] == event.event_id
    assert json.loads(call.body)["in_reply_to"] == "thread-9#p3"
    assert replied.post_url == "https://forum.example/replies/1"
    publisher.ledger._finish(event.event_id, datetime.now(UTC), state="posting")
    handled(publisher, event)
    assert len(receiver.delivered) == 1


def test_an_account_gone_from_the_config_fails_the_reply(publisher: Sync) -> None:
    failed = handled(publisher, request("mastodon", "1001", account="nope"))
    assert failed.kind is ConversationEventKind.REPLY_FAILED
    assert failed.failure_status == 422


def test_concurrent_requests_make_one_post_each(
    organisation: Organisation, mastodon: FakeMastodon, tmp_path: Path
) -> None:
    async def run() -> None:
        async with httpx.AsyncClient(timeout=2.0) as client:
            publisher = Publisher(
                Channels(organisation, client),
                Ledger(f"sqlite:///{tmp_path / 'l.sqlite3'}"),
                lambda: datetime.now(UTC),
                FAST,
            )
            events = [request("mastodon", "1001", f"antwoord {n}", "main") for n in range(10)]
            await asyncio.gather(*(publisher.handle(e) for e in events))

    asyncio.run(run())
    assert len(mastodon.replies()) == 10
