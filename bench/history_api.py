"""Latency and throughput of the history API's conversation and search endpoints.

Loads N mentions (default 100,000) with their routes into PostgreSQL (bulk
inserts of the projection's rows; the schema comes from the migrations),
serves the API with uvicorn in a separate process, and drives it with
concurrent httpx async clients. Prints p50/p99 latency and requests/s per
endpoint.

    .venv/bin/python bench/history_api.py                       # starts a throwaway PostgreSQL
    .venv/bin/python bench/history_api.py --database-url postgresql://...  # an empty database
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from services.history.database import (  # noqa: E402
    ConversationEventRow,
    MentionRouteRow,
    MentionRow,
    make_engine,
)
from services.history.migrate import migrate  # noqa: E402

ADMIN_KEY = "bench-admin-key"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
WORDS_NL = [
    "donatie",
    "vrijwilliger",
    "vacature",
    "klacht",
    "programma",
    "pers",
    "afgeschreven",
    "collecte",
    "helpen",
    "wachten",
    "antwoord",
    "bedankt",
    "jullie",
    "werk",
    "kinderen",
    "project",
    "campagne",
    "boos",
    "blij",
    "vraag",
]
WORDS_EN = [
    "donation",
    "volunteer",
    "vacancy",
    "complaint",
    "programme",
    "press",
    "charged",
    "twice",
    "help",
    "waiting",
    "answer",
    "thanks",
    "your",
    "work",
    "children",
    "project",
    "campaign",
    "angry",
    "happy",
    "question",
]
TOPICS = ["fundraising", "volunteers", "vacancies", "complaints", "programs", "press"]
DEPARTMENTS = [
    "fondsenwerving",
    "vrijwilligers",
    "personeelszaken",
    "service",
    "programmas",
    "communicatie",
]
SOURCES = ["x", "mastodon", "bluesky", "facebook", "email", "rss"]


def load(url: str, mentions: int, per_relationship: int, seed: int) -> int:
    """Bulk-inserts mentions, their routes and some events; returns the relationship count."""
    rng = random.Random(seed)
    engine = make_engine(url)
    migrate(engine)
    relationships = mentions // per_relationship
    chunk = 5000
    with engine.begin() as connection:
        for start in range(0, mentions, chunk):
            rows, routes, events = [], [], []
            for n in range(start, min(start + chunk, mentions)):
                rel = n % relationships
                dutch = rng.random() < 0.6
                words = rng.choices(WORDS_NL if dutch else WORDS_EN, k=12)
                created = T0 + timedelta(minutes=n)
                topics = rng.sample(TOPICS, k=rng.randint(0, 2))
                source = SOURCES[rel % len(SOURCES)]
                mention_id = f"{source}:{n}"
                rows.append(
                    {
                        "id": mention_id,
                        "source": source,
                        "external_id": str(n),
                        "relationship_id": f"rel-{rel}",
                        "thread_id": mention_id,
                        "author": {"id": f"a{rel}", "handle": f"person{rel}"},
                        "text": " ".join(words),
                        "lang": "nl" if dutch else "en",
                        "created_at": created,
                        "ingested_at": created,
                        "topics": topics,
                        "scores": dict.fromkeys(topics, 0.8),
                        "sentiment": rng.choice(["negative", "neutral", "positive"]),
                        "model_version": "keywords-1",
                        "classified_at": created,
                        "priority": "normal",
                        "sla_deadline": created + timedelta(hours=4),
                        "decision_id": f"d-{n}",
                        "decided_at": created,
                        "status": "open",
                    }
                )
                for dept in rng.sample(DEPARTMENTS, k=rng.randint(1, 2)):
                    routes.append(
                        {
                            "mention_id": mention_id,
                            "department": dept,
                            "matched_topics": topics,
                            "rule": "topic",
                            "decision_id": f"d-{n}",
                        }
                    )
                if n % 10 == 0:
                    events.append(
                        {
                            "event_id": f"e-{n}",
                            "kind": "replied",
                            "relationship_id": f"rel-{rel}",
                            "mention_id": mention_id,
                            "department": "service",
                            "actor": "bench@example.org",
                            "text": "Dank voor je bericht!",
                            "channel": source,
                            "at": created + timedelta(minutes=5),
                        }
                    )
            connection.execute(insert(MentionRow), rows)
            connection.execute(insert(MentionRouteRow), routes)
            connection.execute(insert(ConversationEventRow), events)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return relationships


def serve(url: str, port: int) -> None:
    """The API alone (reads need no Kafka), as `make run` serves it, in this process."""
    import uvicorn

    from services.common.organisation import load_organisation
    from services.common.settings import CommonSettings
    from services.history.api import create_api
    from services.history.api_deps import ApiContext
    from services.history.database import session_factories
    from services.history.publisher import EventPublisher

    org = load_organisation(CommonSettings().organisation_config)
    readers, writers = session_factories(make_engine(url))
    context = ApiContext(
        readers=readers,
        writers=writers,
        publisher=EventPublisher("127.0.0.1:1", "unused"),
        admin_key=ADMIN_KEY,
        departments=org.department_slugs,
        topics=[t.slug for t in org.topics],
    )
    uvicorn.run(
        create_api(context), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )


async def drive(base: str, paths: list[str], concurrency: int) -> tuple[list[float], float, int]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base,
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        limits=limits,
        timeout=60.0,
    ) as client:

        async def worker() -> None:
            nonlocal errors
            while not queue.empty():
                path = queue.get_nowait()
                started = time.perf_counter()
                try:
                    answer = await client.get(path)
                except httpx.TransportError:  # counted, not fatal: a reset under load is a result
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - started)
                if answer.status_code != 200:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, elapsed, errors


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def report(name: str, latencies: list[float], elapsed: float, errors: int) -> None:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    say(
        f"{name:<14} requests={len(ordered):>5} errors={errors} p50={p50:7.1f} ms "
        f"p99={p99:7.1f} ms  throughput={len(ordered) / elapsed:7.1f} req/s"
    )


@contextmanager
def postgres(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    data = Path(f"/tmp/webcare-bench-pg-{os.getpid()}")
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(mode=0o755)
    port = free_port()
    started = subprocess.run(
        ["bash", str(REPO / "deploy/postgres/start.sh"), str(data), str(port)],
        capture_output=True,
        text=True,
        check=True,
    )
    admin = started.stdout.strip().splitlines()[-1]
    subprocess.run(["psql", admin, "-qc", "CREATE DATABASE bench"], check=True)
    try:
        yield admin.rsplit("/", 1)[0] + "/bench"
    finally:
        subprocess.run(["bash", str(REPO / "deploy/postgres/stop.sh"), str(data)], check=False)
        shutil.rmtree(data, ignore_errors=True)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database; default: a fresh one")
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--per-relationship", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000, help="per endpoint")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--serve", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    rng = random.Random(7)
    with postgres(args.database_url) as url:
        started = time.perf_counter()
        relationships = load(url, args.mentions, args.per_relationship, seed=1)
        say(
            f"loaded {args.mentions} mentions ({relationships} relationships) into PostgreSQL "
            f"in {time.perf_counter() - started:.1f} s"
        )
        port = free_port()
        server = subprocess.Popen([sys.executable, __file__, "--serve", url, str(port)], cwd=REPO)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            words = WORDS_NL + WORDS_EN
            workloads = {
                "conversation": [
                    f"/v1/relationships/rel-{rng.randrange(relationships)}/conversation"
                    for _ in range(args.requests)
                ],
                "search": [
                    f"/v1/search?q={rng.choice(words)}+{rng.choice(words)}&limit=50"
                    for _ in range(args.requests)
                ],
                "search+filter": [
                    f"/v1/search?q={rng.choice(words)}&topic={rng.choice(TOPICS)}"
                    f"&department={rng.choice(DEPARTMENTS)}&limit=50"
                    for _ in range(args.requests)
                ],
            }
            say(f"{args.concurrency} concurrent clients, {args.requests} requests per endpoint")
            for name, paths in workloads.items():
                asyncio.run(drive(base, paths[:50], args.concurrency))  # warm-up
                report(name, *asyncio.run(drive(base, paths, args.concurrency)))
                if server.poll() is not None:
                    raise SystemExit(f"the API server exited with {server.returncode}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
