"""Each connector against a local server speaking its platform's wire format, on the real broker.

The connector runs in-process (as in `python -m services.ingest`); what counts
is what lands on the raw topic and the cursor topic.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from schemas import Mention
from services.common.organisation_sources import BlueskySource, FeedSource, MastodonSource
from services.common.topics import TopicNames
from services.ingest.connectors import Backoff, Connector, run_connector
from services.ingest.cursors import load_cursors
from services.ingest.publisher import MentionPublisher
from services.ingest.sources.bluesky_connector import JetstreamConnector
from services.ingest.sources.feed_connector import FeedConnector
from services.ingest.sources.mastodon_connector import MastodonConnector
from tests.service.ingest.conftest import (
    ORG_DID,
    cursor_store,
    jetstream_post,
    mastodon_notification,
)
from tests.service.ingest.platforms import FeedServer, JetstreamServer, MastodonServer
from tests.support.kafka_reading import read_topic

pytestmark = pytest.mark.kafka

FAST = Backoff(base_s=0.05, cap_s=0.2, max_attempts=50)
FIXTURES = Path(__file__).parents[2] / "unit" / "ingest" / "fixtures"


def raw_mentions(bootstrap: str, topics: TopicNames, count: int) -> list[Mention]:
    values = read_topic(bootstrap, topics.raw, lambda v: len(v) >= count, timeout_s=20)
    return [Mention.model_validate_json(v) for v in values]


async def run_while(
    connector: Connector,
    publisher: MentionPublisher,
    bootstrap: str,
    topics: TopicNames,
    scenario: Callable[[], Awaitable[None]],
) -> None:
    """Runs the connector (with cursors read back from Kafka) while the scenario plays out."""
    cursors = await asyncio.to_thread(cursor_store, bootstrap, topics, publisher)
    task = asyncio.create_task(run_connector(connector, publisher, cursors, FAST))
    try:
        await asyncio.wait_for(scenario(), timeout=90)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def until(check: Callable[[], bool], timeout_s: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await asyncio.to_thread(check):
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.1)


@pytest.fixture
def jetstream() -> Iterator[JetstreamServer]:
    server = JetstreamServer(pace_s=0.005)
    yield server
    server.close()


def test_jetstream_filters_and_resumes_from_its_cursor(
    jetstream: JetstreamServer,
    publisher: MentionPublisher,
    kafka_bootstrap: str,
    topics: TopicNames,
) -> None:
    jetstream.add(*(jetstream_post(n, relevant=n % 3 == 0) for n in range(30)))
    config = BlueskySource(jetstream_url=jetstream.url, dids=[ORG_DID])

    def connector() -> JetstreamConnector:
        return JetstreamConnector(config, ["openhart.bsky.social"], FAST, save_every=5)

    def count_raw(n: int) -> Callable[[], bool]:
        return lambda: len(read_topic(kafka_bootstrap, topics.raw, lambda v: len(v) >= n, 2)) >= n

    async def first_run() -> None:
        await until(count_raw(10))
        await until(
            lambda: (
                load_cursors(kafka_bootstrap, topics.ingest_cursors, publisher)
                .get(f"bluesky:{jetstream.url}", {})
                .get("time_us", 0)
                >= 1_763_630_000_000_027
            )
        )

    asyncio.run(run_while(connector(), publisher, kafka_bootstrap, topics, first_run))
    # Events that happened while no connector ran are replayed from the cursor.
    jetstream.add(*(jetstream_post(n, relevant=n % 3 == 0) for n in range(30, 45)))

    asyncio.run(
        run_while(connector(), publisher, kafka_bootstrap, topics, lambda: until(count_raw(15)))
    )
    mentions = raw_mentions(kafka_bootstrap, topics, 15)
    ids = Counter(m.external_id.rsplit("/", 1)[1] for m in mentions)
    assert ids == Counter(f"3lpost{n:06d}" for n in range(45) if n % 3 == 0)
    assert all(m.source == "bluesky" and m.lang == "nl" for m in mentions)
    # The second run resumed at the saved cursor, not at the start of the stream.
    resumed_at = [int(s.split("cursor=")[1]) for s in jetstream.subscriptions[1:] if "cursor=" in s]
    assert resumed_at
    assert min(resumed_at) >= 1_763_630_000_000_027
    assert "wantedCollections=app.bsky.feed.post" in jetstream.subscriptions[0]


def test_jetstream_broken_events_are_dead_lettered_and_the_stream_goes_on(
    jetstream: JetstreamServer,
    publisher: MentionPublisher,
    kafka_bootstrap: str,
    topics: TopicNames,
) -> None:
    broken = {"did": "did:plc:x", "time_us": 1_763_630_000_000_001, "kind": "commit", "commit": 7}
    jetstream.add(jetstream_post(0, True), broken, jetstream_post(2, True))
    connector = JetstreamConnector(
        BlueskySource(jetstream_url=jetstream.url, dids=[ORG_DID]), [], FAST
    )

    async def scenario() -> None:
        await until(
            lambda: len(read_topic(kafka_bootstrap, topics.raw, lambda v: len(v) >= 2, 2)) >= 2
        )

    asyncio.run(run_while(connector, publisher, kafka_bootstrap, topics, scenario))
    dlq = read_topic(kafka_bootstrap, topics.dlq, lambda v: len(v) >= 1, 20)
    assert len(dlq) == 1
    assert b"invalid_record" in dlq[0]


@pytest.fixture
def mastodon() -> Iterator[MastodonServer]:
    server = MastodonServer()
    yield server
    server.close()


def test_mastodon_stream_then_backfill_after_a_gap(
    mastodon: MastodonServer,
    publisher: MentionPublisher,
    kafka_bootstrap: str,
    topics: TopicNames,
) -> None:
    config = MastodonSource(instance_url=mastodon.url)  # type: ignore[arg-type]
    connector = MastodonConnector(config, ["@openhart@mastodon.nl"], FAST)

    def on_raw(n: int) -> Callable[[], bool]:
        return lambda: len(read_topic(kafka_bootstrap, topics.raw, lambda v: len(v) >= n, 2)) >= n

    async def scenario() -> None:
        await until(lambda: mastodon.connected == 1)
        for n in (1, 2):
            await asyncio.to_thread(mastodon.post_mention, mastodon_notification(n))
        await until(on_raw(2))
        await until(
            lambda: (
                load_cursors(kafka_bootstrap, topics.ingest_cursors, publisher)
                .get(connector.name, {})
                .get("notification_id")
                == "40000002"
            )
        )
        # The instance drops the stream and refuses reconnects; mentions keep coming.
        await asyncio.to_thread(mastodon.drop_clients, False)
        await until(lambda: mastodon.connected == 0)
        for n in (3, 4, 5):
            await asyncio.to_thread(mastodon.post_mention, mastodon_notification(n))
        await asyncio.sleep(0.5)
        await asyncio.to_thread(mastodon.accept)
        await until(on_raw(5))
        await until(lambda: mastodon.connected == 1)
        await asyncio.to_thread(mastodon.post_mention, mastodon_notification(6))
        await until(on_raw(6))

    asyncio.run(run_while(connector, publisher, kafka_bootstrap, topics, scenario))
    mentions = raw_mentions(kafka_bootstrap, topics, 6)
    assert Counter(m.id for m in mentions) == Counter(
        f"mastodon:{113_000_000_000_000_000 + n}" for n in range(1, 7)
    )
    assert {"types[]": "mention", "min_id": "40000002", "limit": "40"} in mastodon.backfill_requests
    assert mentions[0].author.handle.endswith("@mastodon.social")
    assert mentions[0].text.startswith("@openhart bericht nummer")


def test_feed_polling_uses_etags_and_publishes_each_entry_once(
    publisher: MentionPublisher, kafka_bootstrap: str, topics: TopicNames
) -> None:
    rss = (FIXTURES / "feed_rss.xml").read_bytes()
    server = FeedServer(rss)
    config = FeedSource(url=server.url, poll_seconds=1)  # type: ignore[arg-type]

    def on_raw(n: int) -> Callable[[], bool]:
        return lambda: len(read_topic(kafka_bootstrap, topics.raw, lambda v: len(v) >= n, 2)) >= n

    extra_item = b"""<item><title>Nieuw: Open Hart opent winkel</title>
    <guid>dorpskrant-2026-1200</guid><pubDate>Sat, 21 Nov 2026 10:00:00 +0100</pubDate>
    <description>Een tweedehandswinkel.</description></item></channel>"""

    async def scenario() -> None:
        await until(on_raw(2))
        await until(lambda: 304 in server.statuses)
        await asyncio.to_thread(server.publish, rss.replace(b"</channel>", extra_item))
        await until(on_raw(3))

    try:
        asyncio.run(
            run_while(FeedConnector(config, [], FAST), publisher, kafka_bootstrap, topics, scenario)
        )
        # A restarted connector remembers what it published, even when the feed is refetched.
        server.publish(rss.replace(b"</channel>", extra_item))
        restarted = FeedConnector(config, [], FAST)

        async def one_more_poll() -> None:
            polls = len(server.statuses)
            await until(lambda: len(server.statuses) >= polls + 2)

        asyncio.run(run_while(restarted, publisher, kafka_bootstrap, topics, one_more_poll))
    finally:
        server.close()
    mentions = raw_mentions(kafka_bootstrap, topics, 3)
    assert Counter(m.id for m in mentions) == Counter(
        [
            "rss:dorpskrant-2026-1142",
            "rss:https://dorpskrant.example.nl/2026/11/interview",
            "rss:dorpskrant-2026-1200",
        ]
    )
    dlq = read_topic(kafka_bootstrap, topics.dlq, lambda v: len(v) >= 1, 10)
    assert dlq, "the item without a valid date is dead-lettered"
