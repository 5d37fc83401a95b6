"""Replies per second through the publishing stage, per platform, and the latency to `replied`.

    .venv/bin/python bench/publish_throughput.py [--replies 300] [--rate 0] [--platforms ...]

For each platform it starts a publish process on a fresh topic prefix against the local
servers of tests/support/fake_platforms.py (Mastodon's REST API, a PDS's XRPC, a webhook
receiver), puts N `reply_requested` events on conversation.events (N people, so all
partitions work), all at once or at `--rate` per second, and reads the outcomes back.
Throughput = N / (last `replied` broker time - first request time). Latency per reply =
the `replied` record's broker timestamp minus the request's `at`, which the history API
stamps when it accepts the request (the API's checks before that are not in it).
Uses WEBCARE_KAFKA_BOOTSTRAP if set, otherwise starts a broker.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import yaml
from kafka import KafkaProducer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.harness import broker, report  # noqa: E402
from schemas import ConversationEvent, ConversationEventKind  # noqa: E402
from services.common.kafka import ensure_topics  # noqa: E402
from services.common.topics import TopicNames  # noqa: E402
from tests.service.publish.conftest import (  # noqa: E402
    AUTHOR_DID,
    ORG_DID,
    organisation_config,
    request,
)
from tests.support.fake_platforms import (  # noqa: E402
    FakeMastodon,
    FakePds,
    FakeWebhookReceiver,
    PdsAccount,
)
from tests.support.kafka_reading import read_records  # noqa: E402
from tests.support.processes import ServiceProcess  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p * len(ordered)) - 1))]


def requests_for(platform: str, n: int) -> list[ConversationEvent]:
    out = []
    for i in range(n):
        if platform == "mastodon":
            event = request("mastodon", "1001", f"Dank voor je bericht {i}", "main")
        elif platform == "bluesky":
            parent = f"at://{AUTHOR_DID}/app.bsky.feed.post/3root0000000a"
            event = request("bluesky", parent, f"Dank {i}", "sky", author=AUTHOR_DID)
        else:
            event = request("forum", f"t-{i}", f"Dank {i}", author="bea")
        out.append(event.model_copy(update={"relationship_id": f"rel-{i}"}))
    return out


def run_one(
    platform: str, n: int, bootstrap: str, workdir: Path, rate: float = 0.0
) -> dict[str, float]:
    mastodon, receiver = FakeMastodon(max_characters=5000), FakeWebhookReceiver()
    pds = FakePds(
        accounts=[
            PdsAccount("openhart.bsky.social", ORG_DID, "app-password"),
            PdsAccount("bea.bsky.social", AUTHOR_DID, "unused"),
        ]
    )
    pds.add_post(AUTHOR_DID, "3root0000000a", "Wat doen jullie met mijn gift?")
    mastodon.add_status("1001")
    for server in (mastodon, pds, receiver):
        server.start()
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    topics = TopicNames(prefix)
    ensure_topics(bootstrap, [topics.conversation_events, topics.dlq], 3, 1)
    path = workdir / f"{prefix}.yaml"
    path.write_text(yaml.safe_dump(organisation_config(mastodon.url, pds.url, receiver.url)))
    env = {
        "WEBCARE_KAFKA_BOOTSTRAP": bootstrap,
        "WEBCARE_TOPIC_PREFIX": prefix,
        "WEBCARE_ORGANISATION_CONFIG": str(path),
        "WEBCARE_STATE_DIR": str(workdir / prefix),
        "WEBCARE_PUBLISH_METRICS_PORT": "0",
        "WEBCARE_LAG_INTERVAL_S": "0",
        "PUBLISH_TEST_MASTODON_TOKEN": mastodon.token,
        "PUBLISH_TEST_BSKY_PASSWORD": "app-password",
        "PUBLISH_TEST_HOOK_SECRET": "hook-secret",
    }
    process = ServiceProcess("publish", env, workdir / f"{prefix}.log").start()
    try:
        warm = requests_for(platform, 1)[0]
        producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
        producer.send(topics.conversation_events, warm.model_dump_json().encode(), b"warm").get(30)

        def outcomes(records: list) -> list:  # type: ignore[type-arg]
            done = (b'"kind":"replied"', b'"kind":"reply_failed"')
            return [r for r in records if any(kind in r.value for kind in done)]

        read_records(bootstrap, topics.conversation_events, lambda rs: len(outcomes(rs)) >= 1)
        events = requests_for(platform, n)
        started = time.time()
        stamped = []
        for i, event in enumerate(events):
            if rate > 0:  # open loop at a fixed rate: latency without a backlog
                time.sleep(max(0.0, started + i / rate - time.time()))
            event = event.model_copy(update={"at": datetime.now(UTC)})
            stamped.append(event)
            producer.send(
                topics.conversation_events,
                event.model_dump_json().encode(),
                event.relationship_id.encode(),
            )
            if rate > 0:
                producer.flush()
        producer.flush()
        producer.close()
        records = outcomes(
            read_records(
                bootstrap,
                topics.conversation_events,
                lambda rs: len(outcomes(rs)) >= n + 1,
                timeout_s=600,
            )
        )
        asked = {e.event_id: e.at for e in stamped}
        latencies, last = [], 0.0
        for record in records:
            done = ConversationEvent.model_validate_json(record.value)
            if done.request_id not in asked:
                continue
            assert done.kind is ConversationEventKind.REPLIED, done.failure_message
            at = record.timestamp / 1000
            last = max(last, at)
            latencies.append(at - asked[done.request_id].timestamp())
        assert len(latencies) == n, f"{len(latencies)} of {n} replied"
        posts = {
            "mastodon": len(mastodon.replies()),
            "bluesky": len(pds.posts_by(ORG_DID)),
            "webhook": len(receiver.delivered),
        }[platform]
        assert posts == n + 1, f"{posts} posts for {n + 1} requests"
        return {
            "per_s": n / (last - started),
            "p50": percentile(latencies, 0.5),
            "p99": percentile(latencies, 0.99),
        }
    finally:
        process.stop()
        for server in (mastodon, pds, receiver):
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--platforms", default="mastodon,bluesky,webhook")
    parser.add_argument(
        "--rate", type=float, default=0.0, help="requests/s offered (0: all at once)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, broker(Path(tmp)) as bootstrap:
        offered = f"{args.rate:g}/s" if args.rate else "all at once"
        report(f"publish: {args.replies} replies per platform ({offered}), one publish process")
        report("| platform | replies/s | p50 request→replied | p99 request→replied |")
        report("|---|---|---|---|")
        for platform in args.platforms.split(","):
            result = run_one(platform, args.replies, bootstrap, Path(tmp), args.rate)
            report(
                f"| {platform} | {result['per_s']:.1f} | {result['p50'] * 1000:.0f} ms"
                f" | {result['p99'] * 1000:.0f} ms |"
            )


if __name__ == "__main__":
    main()
