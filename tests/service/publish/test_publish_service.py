"""publish as a process on the real broker, against the local platforms: the batch loop,
outages that wait, poison to the DLQ, and the crash between a post and its `replied`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from schemas import ConversationEvent, ConversationEventKind, DeadLetter
from services.common.kafka import ensure_topics
from services.common.topics import TopicNames
from tests.conftest import free_port
from tests.service.publish.conftest import AUTHOR_DID, request
from tests.support.fake_platforms import Failure, FakeMastodon, FakePds, FakeWebhookReceiver
from tests.support.kafka_reading import produce, read_topic
from tests.support.processes import ServiceProcess, wait_healthy

KIND = ConversationEventKind


class Publish:
    """The publish process of one test, restartable with the same state directory."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: ServiceProcess | None = None

    def start(self) -> ServiceProcess:
        port = free_port()
        env = {**self.env, "WEBCARE_PUBLISH_METRICS_PORT": str(port)}
        self.process = ServiceProcess("publish", env, self.log_path).start()
        wait_healthy(f"http://127.0.0.1:{port}/health", self.process)
        return self.process

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()

    def stop(self) -> None:
        if self.process is not None and self.process.alive():
            self.process.stop()


@pytest.fixture
def topics(kafka_bootstrap: str, topic_prefix: str) -> TopicNames:
    names = TopicNames(topic_prefix)
    ensure_topics(kafka_bootstrap, [names.conversation_events, names.dlq], 3, 1)
    return names


@pytest.fixture
def publish(
    kafka_bootstrap: str,
    topics: TopicNames,
    organisation_file: Path,
    tmp_path: Path,
    mastodon: FakeMastodon,
) -> Iterator[Publish]:
    env = {
        "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "WEBCARE_TOPIC_PREFIX": topics.prefix,
        "WEBCARE_ORGANISATION_CONFIG": str(organisation_file),
        "WEBCARE_STATE_DIR": str(tmp_path / "state"),
        "WEBCARE_PUBLISH_RETRY_BASE_S": "0.05",
        "WEBCARE_PUBLISH_RETRY_CAP_S": "0.5",
        "WEBCARE_PUBLISH_ATTEMPTS": "3",
        "WEBCARE_PUBLISH_TIMEOUT_S": "2",
        "PUBLISH_TEST_MASTODON_TOKEN": mastodon.token,
        "PUBLISH_TEST_BSKY_PASSWORD": "app-password",
        "PUBLISH_TEST_HOOK_SECRET": "hook-secret",
    }
    service = Publish(env, tmp_path / "publish.log")
    yield service
    service.stop()


def send(bootstrap: str, topics: TopicNames, event: ConversationEvent) -> None:
    produce(
        bootstrap,
        topics.conversation_events,
        event.model_dump_json().encode(),
        event.relationship_id.encode(),
    )


def outcomes(
    bootstrap: str, topics: TopicNames, count: int, timeout_s: float = 60.0
) -> list[ConversationEvent]:
    def decoded(values: list[bytes]) -> list[ConversationEvent]:
        events = [ConversationEvent.model_validate_json(v) for v in values if b"oops" not in v]
        return [e for e in events if e.kind in (KIND.REPLIED, KIND.REPLY_FAILED)]

    values = read_topic(
        bootstrap, topics.conversation_events, lambda vs: len(decoded(vs)) >= count, timeout_s
    )
    return decoded(values)


def test_requests_on_every_platform_become_one_post_and_one_outcome_each(
    kafka_bootstrap: str,
    topics: TopicNames,
    publish: Publish,
    mastodon: FakeMastodon,
    pds: FakePds,
    receiver: FakeWebhookReceiver,
) -> None:
    publish.start()
    parent = f"at://{AUTHOR_DID}/app.bsky.feed.post/3root0000000a"
    requests = [
        request("mastodon", "1001", account="main"),
        request("bluesky", parent, account="sky", author=AUTHOR_DID),
        request("forum", "t-1", author="bea"),
        request("mastodon", "404404", account="main"),  # gone on the platform: 404
    ]
    for event in requests:
        send(kafka_bootstrap, topics, event)
    produce(kafka_bootstrap, topics.conversation_events, b'{"kind": "reply_requested", oops', b"k")
    done = outcomes(kafka_bootstrap, topics, 4)
    by_request = {e.request_id: e for e in done}
    assert [by_request[r.event_id].kind for r in requests] == [
        KIND.REPLIED,
        KIND.REPLIED,
        KIND.REPLIED,
        KIND.REPLY_FAILED,
    ]
    assert by_request[requests[3].event_id].failure_status == 404
    assert len(done) == 4
    assert (len(mastodon.replies()), len(pds.posts_by(pds.accounts[0].did))) == (1, 1)
    assert len(receiver.delivered) == 1
    letters = read_topic(kafka_bootstrap, topics.dlq, lambda vs: len(vs) >= 1)
    [letter] = [DeadLetter.model_validate_json(v) for v in letters]
    assert (letter.stage, letter.reason) == ("publish", "invalid_conversation_event")


def test_an_outage_waits_and_the_request_behind_it_keeps_its_order(
    kafka_bootstrap: str, topics: TopicNames, publish: Publish, mastodon: FakeMastodon
) -> None:
    mastodon.fail_next("POST /api/v1/statuses", *[Failure(503, retry_after="0")] * 8)
    publish.start()
    first = request("mastodon", "1001", "eerste", account="main")
    second = request("mastodon", "1001", "tweede", account="main")
    send(kafka_bootstrap, topics, first)
    send(kafka_bootstrap, topics, second)  # same relationship: same partition, after it
    done = outcomes(kafka_bootstrap, topics, 2, timeout_s=90)
    assert [e.request_id for e in done] == [first.event_id, second.event_id]
    assert all(e.kind is KIND.REPLIED for e in done)
    assert [p.text.split(" ", 1)[1] for p in mastodon.replies()] == ["eerste", "tweede"]
    assert len([c for c in mastodon.calls if c.method == "POST"]) == 10


@pytest.mark.parametrize("keys_forgotten", [False, True], ids=["within-key-window", "after"])
def test_sigkill_between_the_post_and_replied_leaves_exactly_one_post(
    kafka_bootstrap: str,
    topics: TopicNames,
    publish: Publish,
    mastodon: FakeMastodon,
    keys_forgotten: bool,
) -> None:
    mastodon.hold_answer_s = 30.0  # the post is stored; the answer is late
    publish.start()
    event = request("mastodon", "1001", account="main")
    send(kafka_bootstrap, topics, event)
    assert mastodon.posted.wait(60), "the publisher never posted"
    publish.kill()  # the platform holds the post; no replied was written
    mastodon.hold_answer_s = 0.0
    assert len(mastodon.replies()) == 1
    if keys_forgotten:
        mastodon.forget_keys()  # down for longer than Mastodon keeps an Idempotency-Key
    publish.start()
    [replied] = outcomes(kafka_bootstrap, topics, 1)
    time.sleep(1.0)  # anything more it would write comes now
    assert len(outcomes(kafka_bootstrap, topics, 1, timeout_s=2)) == 1
    assert replied.kind is KIND.REPLIED
    [post] = mastodon.replies()
    assert replied.post_id == post.id
    assert json.loads(replied.model_dump_json())["post_url"] == post.url
