"""Ingest throughput on the real broker: the webhook endpoint and file replay, in mentions/s.

    .venv/bin/python bench/ingest_throughput.py [--mentions 4000] [--clients 8] [--batch 100]

Uses WEBCARE_KAFKA_BOOTSTRAP when set, else starts a throwaway broker (as the
tests do). Starts `python -m services.ingest` as a real process on a fresh
topic prefix, then measures:
- webhook, single: concurrent clients each POSTing one mention per request;
- webhook, batched: concurrent clients POSTing `--batch` mentions per request;
- replay: `webcare replay`'s code on a JSONL file, in this process.
A mention counts when the endpoint answered 202, i.e. after Kafka acknowledged it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.common.kafka import ensure_topics  # noqa: E402
from services.common.topics import TopicNames  # noqa: E402
from services.ingest.publisher import MentionPublisher  # noqa: E402
from services.ingest.replay import replay  # noqa: E402

TEXTS = [
    "Ik ben boos: twee keer afgeschreven voor mijn donatie aan @openhart!",
    "Hoe word ik vrijwilliger bij jullie? Ik heb op zaterdag tijd.",
    "Great work at the food bank today, thank you @openhart",
    "Je voudrais faire un don pour le projet de devoirs.",
]


def report(line: str) -> None:
    """One result line on stdout: the numbers are this script's output."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mention(run: str, n: int) -> dict[str, object]:
    return {
        "source": "bench",
        "external_id": f"{run}-{n}",
        "author": {"id": str(n % 500), "handle": f"user{n % 500}"},
        "text": TEXTS[n % len(TEXTS)],
        "created_at": "2026-11-20T09:15:00Z",
    }


def start_broker(state: Path) -> tuple[str, dict[str, str] | None]:
    existing = os.environ.get("WEBCARE_KAFKA_BOOTSTRAP")
    if existing:
        return existing, None
    port = free_port()
    env = {
        **os.environ,
        "WEBCARE_KAFKA_PORT": str(port),
        "WEBCARE_KAFKA_CONTROLLER_PORT": str(free_port()),
        "WEBCARE_KAFKA_DATA_DIR": str(state / "kafka"),
    }
    subprocess.run(["bash", str(REPO / "deploy/kafka/start.sh")], env=env, check=True,
                   capture_output=True)  # fmt: skip
    return f"127.0.0.1:{port}", env


async def post_all(url: str, bodies: list[bytes], clients: int) -> tuple[int, float]:
    """POSTs every body with `clients` concurrent connections; (mentions accepted, seconds)."""
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    accepted = 0

    async def client() -> None:
        nonlocal accepted
        async with httpx.AsyncClient(timeout=60) as http:
            while not queue.empty():
                body = queue.get_nowait()
                answer = await http.post(url, content=body)
                if answer.status_code != 202:
                    raise RuntimeError(f"{answer.status_code}: {answer.text[:200]}")
                accepted += answer.json()["accepted"]

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return accepted, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp)
        bootstrap, broker_env = start_broker(state)
        prefix = f"bench{uuid.uuid4().hex[:8]}"
        topics = TopicNames(prefix)
        ensure_topics(bootstrap, topics.pipeline(), 3, 1)
        port = free_port()
        env = {
            **os.environ,
            "WEBCARE_KAFKA_BOOTSTRAP": bootstrap,
            "WEBCARE_TOPIC_PREFIX": prefix,
            "WEBCARE_INGEST_PORT": str(port),
            "WEBCARE_INGEST_METRICS_PORT": "0",
            "WEBCARE_LOG_LEVEL": "WARNING",
            # a benchmark measures throughput, not the abuse limits: they are off here
            "WEBCARE_INGEST_RATE_PER_ADDRESS": "0",
            "WEBCARE_INGEST_RATE_PER_SOURCE": "0",
        }
        log = (state / "ingest.log").open("wb")
        ingest = subprocess.Popen([sys.executable, "-m", "services.ingest"], cwd=REPO, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}/v1/mentions"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
            # Warm-up: the first request connects the producer.
            asyncio.run(post_all(url, [json.dumps(mention("warm", 0)).encode()], 1))

            n = args.mentions
            single = [json.dumps(mention("single", i)).encode() for i in range(n)]
            count, seconds = asyncio.run(post_all(url, single, args.clients))
            report(f"webhook single   : {count} mentions, {args.clients} clients, "
                  f"{seconds:.2f} s, {count / seconds:.0f} mentions/s")  # fmt: skip

            batched = [
                json.dumps([mention("batch", i + j) for j in range(args.batch)]).encode()
                for i in range(0, n * 5, args.batch)
            ]
            count, seconds = asyncio.run(post_all(url, batched, args.clients))
            report(f"webhook batch={args.batch}: {count} mentions, {args.clients} clients, "
                  f"{seconds:.2f} s, {count / seconds:.0f} mentions/s")  # fmt: skip
        finally:
            ingest.terminate()
            ingest.wait(timeout=30)
            log.close()

        path = state / "replay.jsonl"
        with path.open("w") as out:
            for i in range(n * 5):
                out.write(json.dumps(mention("replay", i)) + "\n")
        publisher = MentionPublisher.connect(bootstrap, topics, 30.0)
        try:
            started = time.perf_counter()
            replayed = replay(path, publisher, batch_size=500, show_progress=False)
            seconds = time.perf_counter() - started
        finally:
            publisher.close()
        report(f"replay (JSONL)   : {replayed.accepted} mentions, {seconds:.2f} s, "
              f"{replayed.accepted / seconds:.0f} mentions/s")  # fmt: skip

        if broker_env is not None:
            subprocess.run(["bash", str(REPO / "deploy/kafka/stop.sh")], env=broker_env,
                           check=False, capture_output=True)  # fmt: skip


if __name__ == "__main__":
    main()
