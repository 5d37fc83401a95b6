"""The physical limit on this machine: N messages through the pipeline's four topic hops, no work.

    .venv/bin/python bench/kafka_limit.py [--pipeline bench/results/pipeline-....json]

The pipeline moves a mention through four topics (ingest -> raw -> classified
-> routed -> dept.<slug>). This measures the same on the same broker
(a throwaway one, or WEBCARE_KAFKA_BOOTSTRAP), with the same message count and
size (read from the pipeline's JSON, else --count/--size) and the same
partitions:

1. python chain: a loader produces N messages to hop0 (as ingest does), then
   three pass-through processes (aiokafka, the client Faust uses; acks=all,
   consume a batch -> produce it -> await the acks -> commit) carry them to
   hop3. Throughput = N / (last hop3 record time - first hop0 record time).
2. Kafka's own tools (org.apache.kafka.tools.ProducerPerformance and
   ConsumerPerformance from the jars deploy/kafka fetched): one hop's produce
   and consume rates; four hops on the same cores cost four produces and four
   consumes, so the Java limit is 1 / (4 * (1/produce + 1/consume)).

The JVM tools get at least --java-count messages (default 200,000): with a few
thousand, JVM start-up and warm-up are all they measure.

Prints both, and the pipeline's max-rate throughput as a ratio of each. The
machine is shared, so it also prints CPU milliseconds per message (the chain's
processes and the broker vs the pipeline's services and broker, from the
pipeline JSON): unlike messages/s, that does not depend on what else runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil

from bench.harness import REPO, broker, broker_pid, report
from services.common.kafka import ensure_topics

HOPS = 4


async def stage(bootstrap: str, source: str, target: str, group: str) -> None:
    """Consume a batch, produce all of it, await every ack, then commit: at-least-once."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await consumer.start()
    await producer.start()
    announced = False
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=200, max_records=1000)
            if not announced and consumer.assignment():
                sys.stdout.write("ready\n")
                sys.stdout.flush()
                announced = True
            futures = [
                await producer.send(target, key=record.key, value=record.value)
                for records in batches.values()
                for record in records
            ]
            if futures:
                await asyncio.gather(*futures)
                await consumer.commit()
    finally:
        await producer.stop()
        await consumer.stop()


async def load(bootstrap: str, topic: str, count: int, size: int) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        value = b"x" * size
        futures = [
            await producer.send(topic, key=f"rel-{n % 997}".encode(), value=value)
            for n in range(count)
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


def timestamps(bootstrap: str, topic: str, count: int, timeout_s: float) -> list[int]:
    """Broker record timestamps (ms) of the first `count` records on `topic`, all partitions."""
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_poll_records=5000,
    )
    out: list[int] = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(out) < count and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                out.extend(record.timestamp for record in records)
    finally:
        consumer.close()
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        times = psutil.Process(pid).cpu_times()
        total += times.user + times.system
    return total


def python_chain(
    bootstrap: str, count: int, size: int, partitions: int, broker: int | None
) -> tuple[float, float]:
    """(messages/s, CPU ms per message of the stages, the loader and the broker)."""
    run = uuid.uuid4().hex[:8]
    names = [f"limit{run}.hop{i}" for i in range(HOPS)]
    ensure_topics(bootstrap, names, partitions, 1)
    stages = [
        subprocess.Popen(
            [sys.executable, __file__, "--stage", bootstrap, names[i], names[i + 1], f"g{run}{i}"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(HOPS - 1)
    ]
    try:
        for process in stages:
            assert process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                raise SystemExit("a pass-through stage did not start")
        pids = [p.pid for p in stages] + ([broker] if broker else [])
        before = cpu_seconds(pids) + sum(os.times()[:2])
        asyncio.run(load(bootstrap, names[0], count, size))
        last = timestamps(bootstrap, names[-1], count, timeout_s=600)
        used = cpu_seconds(pids) + sum(os.times()[:2]) - before
        first = timestamps(bootstrap, names[0], count, timeout_s=60)
    finally:
        for process in stages:
            process.terminate()
            process.wait(timeout=30)
    if len(last) < count:
        raise SystemExit(f"only {len(last)} of {count} messages came through")
    return count / max(1e-3, (max(last) - min(first)) / 1000), 1000 * used / count


def kafka_tools(bootstrap: str, count: int, size: int, partitions: int) -> tuple[float, float]:
    """(produce, consume) records/s of Kafka's own performance tools on one topic."""
    pom = (REPO / "deploy" / "kafka" / "pom.xml").read_text()
    version = re.search(r"<kafka\.version>(.*)</kafka\.version>", pom).group(1)  # type: ignore[union-attr]
    root = os.environ.get("WEBCARE_CACHE_DIR") or os.path.expanduser("~/.cache/webcare")
    libs = Path(root) / f"kafka-{version}" / "libs"
    if not (libs / f"kafka-tools-{version}.jar").exists():
        raise SystemExit(f"no kafka-tools jar in {libs}: run `make kafka` first")
    classpath = f"{libs}/*"
    topic = f"limit{uuid.uuid4().hex[:8]}.java"
    ensure_topics(bootstrap, [topic], partitions, 1)
    java = ["java", "-Xmx256m", "-cp", classpath]
    produced = subprocess.run(
        [*java, "org.apache.kafka.tools.ProducerPerformance", "--topic", topic,
         "--num-records", str(count), "--record-size", str(size), "--throughput", "-1",
         "--producer-props", f"bootstrap.servers={bootstrap}", "acks=all", "linger.ms=5"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = produced.stdout.strip().splitlines()[-1]
    produce = float(re.search(r"([\d.]+) records/sec", summary).group(1))  # type: ignore[union-attr]
    consumed = subprocess.run(
        [*java, "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrap,
         "--topic", topic, "--messages", str(count)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    consume = consumer_rate(consumed.stdout)
    return produce, consume


def consumer_rate(output: str) -> float:
    """fetch.nMsg.sec (group join excluded) from ConsumerPerformance's CSV summary."""
    lines = [line for line in output.strip().splitlines() if line and line[0].isdigit()]
    header = next(line for line in output.splitlines() if "nMsg.sec" in line)
    column = [c.strip() for c in header.split(",")].index("fetch.nMsg.sec")
    return float(lines[-1].split(",")[column])


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--stage":
        asyncio.run(stage(*sys.argv[2:6]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipeline", type=Path, default=None, help="bench/pipeline.py JSON")
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--size", type=int, default=None, help="bytes per message")
    parser.add_argument("--partitions", type=int, default=None)
    parser.add_argument(
        "--java-count", type=int, default=200_000, help="at least this many for the JVM tools"
    )
    args = parser.parse_args()
    results = sorted((REPO / "bench" / "results").glob("pipeline-*.json"))
    path = args.pipeline or (results[-1] if results else None)
    pipeline = json.loads(path.read_text()) if path else None
    max_phase = next((p for p in (pipeline or {}).get("phases", []) if p["phase"] == "max"), None)
    count = args.count or (max_phase["delivered_mentions"] if max_phase else 20000)
    size = args.size or (max_phase.get("record_bytes_mean") if max_phase else None) or 1500
    partitions = args.partitions or (pipeline or {}).get("partitions", 3)
    report(f"{count} messages of {size} bytes, {partitions} partitions, {HOPS} hops")
    with tempfile.TemporaryDirectory(prefix="webcare-limit-") as tmp, broker(Path(tmp)) as boot:
        chain, chain_ms = python_chain(boot, count, int(size), partitions, broker_pid(Path(tmp)))
        report(f"python chain (aiokafka, acks=all, batch, {HOPS} hops): {chain:,.0f} messages/s")
        cores = psutil.cpu_count() or 1
        report(
            f"  CPU {chain_ms:.2f} ms per message (stages, loader, reader, broker): "
            f"all {cores} cores would carry {1000 * cores / chain_ms:,.0f} messages/s"
        )
        produce, consume = kafka_tools(boot, max(count, args.java_count), int(size), partitions)
        java = 1 / (HOPS * (1 / produce + 1 / consume))
        report(f"kafka tools, one hop: produce {produce:,.0f}/s, consume {consume:,.0f}/s")
        report(f"kafka tools, {HOPS} hops on the same cores: {java:,.0f} messages/s")
    document = {
        "count": count,
        "size": size,
        "partitions": partitions,
        "hops": HOPS,
        "python_chain_per_s": round(chain),
        "python_chain_cpu_ms": round(chain_ms, 3),
        "java_count": max(count, args.java_count),
        "java_produce_per_s": round(produce),
        "java_consume_per_s": round(consume),
        "java_hops_per_s": round(java),
        "cpu_count": psutil.cpu_count(),
        "loadavg": os.getloadavg(),
    }
    if max_phase:
        measured = max_phase["throughput_per_s"]
        document["pipeline_per_s"] = measured
        document["pipeline_json"] = str(path)
        report(f"pipeline ({path.name if path else ''}, max phase): {measured:,.0f} mentions/s")
        report(f"  = {measured / chain:.1%} of the python chain, {measured / java:.1%} of java")
        cpu_ms = max_phase.get("cpu_ms_per_mention")
        if cpu_ms:
            spent = sum(v for k, v in cpu_ms.items() if k != "bench")
            document["pipeline_cpu_ms"] = round(spent, 3)
            report(
                f"  CPU per mention: pipeline {spent:.2f} ms (services and broker) vs chain "
                f"{chain_ms:.2f} ms = {chain_ms / spent:.1%} efficiency"
            )
    out = REPO / "bench" / "results" / f"kafka_limit-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(document, indent=1))
    report(f"JSON: {out}")


if __name__ == "__main__":
    main()
