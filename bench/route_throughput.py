"""Routing throughput in mentions per second: the policy alone, and the route service on Kafka.

    .venv/bin/python bench/route_throughput.py [--mentions 20000] [--service-mentions 5000]

1. policy: `route()` (fan-out, priority rules, SLA deadline in business time)
   plus opening the claims case, on varied mentions, in this process.
2. service: pre-loads classified mentions on a fresh topic prefix, starts
   `python -m services.route` and times from its first routing decision to
   its last by the broker's timestamps (start-up excluded). Uses
   WEBCARE_KAFKA_BOOTSTRAP when set, else starts a throwaway broker on free
   ports and stops it afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kafka import KafkaConsumer, KafkaProducer  # noqa: E402

from schemas import Author, ClassifiedMention, Mention, RoutingDecision, Sentiment  # noqa: E402
from services.common.kafka import ensure_topics  # noqa: E402
from services.common.organisation import load_organisation  # noqa: E402
from services.common.topics import TopicNames  # noqa: E402
from services.route.claims import open_case  # noqa: E402
from services.route.policy import route, sla_minutes  # noqa: E402

CONFIG = REPO / "deploy" / "config" / "organisation.yaml"
TOPICS = ["fundraising", "volunteers", "vacancies", "complaints", "programs", "press"]
TEXTS = ["Hoe doneer ik?", "Dit is oplichting!", "Ik ben journalist", "Top werk", "Klacht"]
START = datetime(2026, 11, 16, 6, tzinfo=UTC)  # a Monday: mentions spread over a week


def mentions(count: int, seed: int = 7) -> list[ClassifiedMention]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        at = START + timedelta(minutes=rng.randrange(7 * 24 * 60))
        topics = rng.sample(TOPICS, rng.choice([0, 1, 1, 1, 2]))
        mention = Mention(
            id=f"bench:{i}",
            source="bench",
            external_id=str(i),
            relationship_id=f"rel-{rng.randrange(count // 3 + 1)}",
            thread_id=f"bench:{i}",
            author=Author(id=str(i), handle=f"user{i}", followers=rng.choice([None, 10, 20_000])),
            text=rng.choice(TEXTS),
            created_at=at,
            ingested_at=at,
        )
        out.append(
            ClassifiedMention(
                mention=mention,
                topics=topics,
                scores={t: 0.8 for t in topics},
                sentiment=rng.choice(list(Sentiment)),
                model_version="bench",
                classified_at=at,
            )
        )
    return out


def bench_policy(count: int) -> float:
    org = load_organisation(CONFIG)
    batch = mentions(count)
    now = datetime.now(UTC)
    started = time.perf_counter()
    for classified in batch:
        decision = route(classified, org, now)
        open_case(decision, sla_minutes(classified, org))
    return count / (time.perf_counter() - started)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_broker(data_dir: Path) -> tuple[str, dict[str, str]]:
    port = free_port()
    env = {
        **os.environ,
        "WEBCARE_KAFKA_PORT": str(port),
        "WEBCARE_KAFKA_CONTROLLER_PORT": str(free_port()),
        "WEBCARE_KAFKA_DATA_DIR": str(data_dir),
    }
    env.pop("WEBCARE_KAFKA_BOOTSTRAP", None)
    subprocess.run(["bash", str(REPO / "deploy/kafka/start.sh")], env=env, check=True)
    return f"127.0.0.1:{port}", env


def bench_service(bootstrap: str, count: int, workdir: Path) -> tuple[float, int]:
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    topics = TopicNames(prefix)
    org = load_organisation(CONFIG)
    ensure_topics(bootstrap, topics.all_for(org.department_slugs), 3, 1)
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    for classified in mentions(count):
        producer.send(
            topics.classified,
            key=classified.mention.relationship_id.encode(),
            value=classified.model_dump_json().encode(),
        )
    producer.flush()
    producer.close()

    env = {
        **os.environ,
        "WEBCARE_KAFKA_BOOTSTRAP": bootstrap,
        "WEBCARE_TOPIC_PREFIX": prefix,
        "WEBCARE_STATE_DIR": str(workdir / "state"),
        "WEBCARE_ROUTE_METRICS_PORT": "0",
        "WEBCARE_LOG_LEVEL": "WARNING",
    }
    log = (workdir / "route.log").open("wb")
    service = subprocess.Popen(
        [sys.executable, "-m", "services.route"], cwd=REPO, env=env, stdout=log, stderr=log
    )
    consumer = KafkaConsumer(
        topics.routed,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=1000,
    )
    stamps: list[int] = []
    deadline = time.monotonic() + 600
    try:
        while len(stamps) < count and time.monotonic() < deadline:
            for record in consumer:
                if RoutingDecision.model_validate_json(record.value).kind == "mention":
                    stamps.append(record.timestamp)
            if service.poll() is not None:
                raise SystemExit(f"route exited; see {workdir / 'route.log'}")
    finally:
        consumer.close()
        service.terminate()
        service.wait(timeout=60)
        log.close()
    if len(stamps) < 2:
        raise SystemExit("route produced too few decisions to measure")
    seconds = (max(stamps) - min(stamps)) / 1000
    return (len(stamps) - 1) / seconds, len(stamps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=20_000)
    parser.add_argument("--service-mentions", type=int, default=5_000)
    args = parser.parse_args()

    rate = bench_policy(args.mentions)
    print(f"policy (route + open case), {args.mentions} mentions: {rate:,.0f} mentions/s")  # noqa: T201

    workdir = Path(tempfile.mkdtemp(prefix="webcare-bench-route-"))
    existing = os.environ.get("WEBCARE_KAFKA_BOOTSTRAP")
    env: dict[str, str] | None = None
    try:
        if existing:
            bootstrap = existing
        else:
            bootstrap, env = start_broker(workdir / "kafka")
        rate, routed = bench_service(bootstrap, args.service_mentions, workdir)
        print(f"route service on Kafka, {routed} mentions: {rate:,.0f} mentions/s")  # noqa: T201
    finally:
        if env is not None:
            subprocess.run(["bash", str(REPO / "deploy/kafka/stop.sh")], env=env, check=False)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
