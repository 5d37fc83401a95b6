"""End to end: the whole pipeline on the real broker, at fixed offered rates and at maximum rate.

    .venv/bin/python bench/pipeline.py --rates 100,1000,max --count 20000

Starts a throwaway broker (or uses WEBCARE_KAFKA_BOOTSTRAP), creates a fresh
topic prefix and starts ingest, classify, route, notify and history as
processes (history on SQLite, or --database-url). Then, per phase:

- offers mentions through the ingest webhook (`POST /v1/mentions`, batches):
  at a fixed rate (open loop: a batch every 20 ms whatever the answers do;
  `--seconds` long, at most `--count` mentions), or at maximum rate (closed
  loop: `--clients` clients POSTing `--batch` mentions each, `--count` in all);
  `--via replay` offers the max phase with `webcare replay`'s code instead;
- waits until classify, route and notify have caught up (committed = end
  offsets; --wait-history: history too, else its lag is only reported);
- reads the department topics (`webcare.dept.<slug>`) of the phase afterwards
  (so reading costs no CPU while the pipeline runs): a mention is fully
  delivered when its last department delivery is on its topic; its latency is
  that record's broker timestamp minus the mention's `ingested_at` (stamped by
  ingest when it accepted the mention);
- samples CPU and RSS of every service and the broker every 0.5 s (psutil).

Prints a table; writes JSON (--json) and a PNG of throughput and latency over
time (--plot), by default under bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from bench.harness import (
    ORGANISATION,
    REPO,
    SERVICES,
    Pipeline,
    broker,
    broker_pid,
    mention,
    report,
)
from services.common.kafka import ensure_topics
from services.common.organisation import load_organisation
from services.common.topics import TopicNames

TICK_S = 0.02  # the open-loop offer sends one batch per tick
# consumer group (Faust app id suffix) -> the input topics whose lag says it is done
GROUPS = {
    "classify": ("raw",),
    "route": ("classified",),
    "notify": ("routed",),
    "history": ("raw", "classified", "routed", "notifications_sent"),
}


@dataclass
class Sampler:
    """CPU (% of one core) and RSS of named processes, every `interval_s`, in a thread."""

    pids: dict[str, int]
    interval_s: float = 0.5
    samples: list[tuple[float, str, float, float]] = field(default_factory=list)
    cpu_times: list[tuple[float, str, float]] = field(default_factory=list)  # cumulative s
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Sampler:
        threading.Thread(target=self._run, daemon=True).start()
        return self

    def _run(self) -> None:
        procs = {name: psutil.Process(pid) for name, pid in self.pids.items()}
        for proc in procs.values():
            proc.cpu_percent(None)
        while not self._stop.wait(self.interval_s):
            now = time.time()
            for name, proc in procs.items():
                try:
                    cpu = proc.cpu_percent(None)
                    rss = proc.memory_info().rss / 1e6
                    times = proc.cpu_times()
                except psutil.Error:
                    continue
                self.samples.append((now, name, cpu, rss))
                self.cpu_times.append((now, name, times.user + times.system))

    def stop(self) -> None:
        self._stop.set()

    def cpu_seconds(self, start: float, end: float) -> dict[str, float]:
        """CPU seconds each process used between `start` and `end`."""
        inside: dict[str, list[float]] = defaultdict(list)
        for at, name, total in self.cpu_times:
            if start <= at <= end:
                inside[name].append(total)
        return {name: totals[-1] - totals[0] for name, totals in inside.items()}

    def summary(self, start: float, end: float) -> dict[str, dict[str, float]]:
        by_name: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for at, name, cpu, rss in self.samples:
            if start <= at <= end:
                by_name[name].append((cpu, rss))
        out = {}
        for name, values in by_name.items():
            cpus = [c for c, _ in values]
            rss = [r for _, r in values]
            steady = rss[len(rss) // 2 :] or rss
            out[name] = {
                "cpu_percent_mean": round(statistics.fmean(cpus), 1),
                "cpu_percent_max": round(max(cpus), 1),
                "rss_mb_steady": round(statistics.median(steady), 1),
                "rss_mb_max": round(max(rss), 1),
            }
        return out


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Offer:
    """Sends mentions to ingest and notes when each batch was accepted."""

    def __init__(self, url: str, run: str) -> None:
        self.url = url
        self.run = run
        self.sent_until = 0.0  # when the last request went out
        self.accepted: list[tuple[float, int]] = []  # (time answered, mentions)
        self.errors = 0

    async def _post(self, http: httpx.AsyncClient, first: int, size: int) -> None:
        body = json.dumps([mention(self.run, n) for n in range(first, first + size)])
        try:
            answer = await http.post(self.url, content=body)
        except httpx.HTTPError:
            self.errors += 1
            return
        if answer.status_code == 202:
            self.accepted.append((time.time(), size))
        else:
            self.errors += 1

    async def fixed_rate(self, rate: float, count: int, max_in_flight: int = 256) -> None:
        """Open loop: `rate` mentions/s in a batch per tick, whatever the answers do."""
        per_tick = rate * TICK_S
        limits = httpx.Limits(max_connections=max_in_flight)
        async with httpx.AsyncClient(timeout=120, limits=limits) as http:
            tasks: set[asyncio.Task[None]] = set()
            started = time.monotonic()
            sent = 0
            tick = 0
            while sent < count:
                tick += 1
                due = min(count, int(per_tick * tick))
                if due > sent and len(tasks) < max_in_flight:
                    task = asyncio.create_task(self._post(http, sent, due - sent))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                    sent = due
                delay = started + tick * TICK_S - time.monotonic()
                await asyncio.sleep(max(0.0, delay))
            self.sent_until = time.time()
            await asyncio.gather(*tasks)

    async def max_rate(self, count: int, batch: int, clients: int) -> None:
        """Closed loop: `clients` clients, each POSTing its next batch once one is answered."""
        next_first = 0

        async def client() -> None:
            nonlocal next_first
            async with httpx.AsyncClient(timeout=120) as http:
                while next_first < count:
                    first = next_first
                    size = min(batch, count - first)
                    next_first += size
                    await self._post(http, first, size)

        await asyncio.gather(*(client() for _ in range(clients)))


def replay_offer(bootstrap: str, topics: TopicNames, run: str, count: int, state: Path) -> Offer:
    """The max phase through `webcare replay`'s code (a JSONL file), in this process."""
    from services.ingest.publisher import MentionPublisher
    from services.ingest.replay import replay

    path = state / f"{run}.jsonl"
    with path.open("w") as out:
        for n in range(count):
            out.write(json.dumps(mention(run, n)) + "\n")
    offer = Offer("", run)
    publisher = MentionPublisher.connect(bootstrap, topics, 30.0)
    try:
        result = replay(path, publisher, batch_size=500, show_progress=False)
    finally:
        publisher.close()
    offer.accepted.append((time.time(), result.accepted))
    return offer


class Topics:
    """Offsets and lag on the broker, with kafka-python."""

    def __init__(self, bootstrap: str, topics: TopicNames, departments: list[str]) -> None:
        self.topics = topics
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        self.admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        self.dept_topics = [topics.department(slug) for slug in departments]

    def partitions(self, names: list[str]) -> list[TopicPartition]:
        return [
            TopicPartition(name, p)
            for name in names
            for p in sorted(self.consumer.partitions_for_topic(name) or [])
        ]

    def ends(self, names: list[str]) -> dict[TopicPartition, int]:
        return dict(self.consumer.end_offsets(self.partitions(names)))

    def lag(self) -> dict[str, int]:
        out = {}
        for service, fields in GROUPS.items():
            names = [getattr(self.topics, f) for f in fields]
            ends = self.ends(names)
            group = f"{self.topics.prefix}-{service}"
            offsets = self.admin.list_group_offsets(group).get(group, {})
            committed = {tp: meta.offset for tp, meta in offsets.items() if meta is not None}
            out[service] = sum(
                max(0, end - max(0, committed.get(tp, 0))) for tp, end in ends.items()
            )
        return out

    def read(
        self, start: dict[TopicPartition, int], names: list[str] | None = None
    ) -> list[tuple[str, int, bytes]]:
        """(topic, broker timestamp ms, value) of every record from `start` to the current end."""
        ends = self.ends(names or self.dept_topics)
        wanted = {tp: end for tp, end in ends.items() if end > start.get(tp, 0)}
        if not wanted:
            return []
        reader = KafkaConsumer(
            bootstrap_servers=self.consumer.config["bootstrap_servers"],
            enable_auto_commit=False,
            max_poll_records=5000,
        )
        reader.assign(list(wanted))
        for tp in wanted:
            reader.seek(tp, start.get(tp, 0))
        out = []
        try:
            while wanted:
                for tp, records in reader.poll(timeout_ms=1000).items():
                    for record in records:
                        if record.offset < wanted.get(tp, 0):
                            out.append((tp.topic, record.timestamp, record.value))
                    if records and records[-1].offset >= wanted.get(tp, 0) - 1:
                        wanted.pop(tp, None)
        finally:
            reader.close()
        return out


@dataclass
class Phase:
    name: str
    offered: int
    started: float = 0.0
    sent_until: float = 0.0
    offered_until: float = 0.0
    drained_at: float = 0.0
    offer: Offer | None = None


def analyse(phase: Phase, records: list[tuple[str, int, bytes]], run: str) -> dict[str, object]:
    """Per mention: when ingest took it, when its last department delivery landed."""
    prefix = f"bench:{run}-"
    ingested: dict[str, float] = {}
    done: dict[str, float] = {}
    seen: set[tuple[str, str]] = set()
    duplicates = 0
    sizes = [len(value) for _, _, value in records]
    for topic, timestamp_ms, value in records:
        delivery = json.loads(value)
        if delivery.get("kind", "mention") != "mention":
            continue
        mention_id = delivery["mention"]["id"]
        if not mention_id.startswith(prefix):
            continue
        pair = (mention_id, topic)
        if pair in seen:
            duplicates += 1
            continue
        seen.add(pair)
        at = timestamp_ms / 1000
        ingested.setdefault(
            mention_id, datetime.fromisoformat(delivery["mention"]["ingested_at"]).timestamp()
        )
        done[mention_id] = max(done.get(mention_id, 0.0), at)
    latencies = [done[m] - ingested[m] for m in done]
    delivered = len(done)
    first = min(ingested.values(), default=phase.started)
    last = max(done.values(), default=phase.started)
    assert phase.offer is not None
    accepted = sum(n for _, n in phase.offer.accepted)
    offered_s = max(1e-9, (phase.sent_until or phase.offered_until) - phase.started)
    timeline = []
    if done:
        bins: dict[int, list[float]] = defaultdict(list)
        for m, at in done.items():
            bins[int(at - first)].append(at - ingested[m])
        offered_bins: dict[int, int] = defaultdict(int)
        for at, n in phase.offer.accepted:
            offered_bins[int(at - first)] += n
        for second in range(int(last - first) + 1):
            lat = bins.get(second, [])
            timeline.append(
                {
                    "t": second,
                    "accepted": offered_bins.get(second, 0),
                    "delivered": len(lat),
                    "p50": percentile(lat, 0.5) if lat else None,
                    "p99": percentile(lat, 0.99) if lat else None,
                }
            )
    return {
        "phase": phase.name,
        "offered": phase.offered,
        "accepted": accepted,
        "offer_errors": phase.offer.errors,
        "offered_rate_per_s": round(phase.offered / offered_s, 1),
        "accepted_within_s": round(phase.offered_until - phase.started, 2),
        "delivered_mentions": delivered,
        "department_deliveries": len(seen),
        "duplicate_deliveries": duplicates,
        "missing": accepted - delivered,
        "throughput_per_s": round(delivered / max(1e-9, last - first), 1),
        "latency_s": {
            "p50": round(percentile(latencies, 0.50), 3),
            "p95": round(percentile(latencies, 0.95), 3),
            "p99": round(percentile(latencies, 0.99), 3),
            "max": round(max(latencies, default=float("nan")), 3),
        },
        "last_delivery_at": last,
        "record_bytes_mean": round(statistics.fmean(sizes)) if sizes else None,
        "drain_s": round(phase.drained_at - phase.offered_until, 1),
        "timeline": timeline,
    }


def stage_rates(
    records: list[tuple[str, int, bytes]], result: dict[str, object]
) -> dict[str, float]:
    """Records per second each topic received, from the first raw record of the phase on.

    Shows which stage holds the pipeline back: the first topic whose rate drops.
    """
    by_topic: dict[str, list[int]] = defaultdict(list)
    for topic, timestamp_ms, _ in records:
        by_topic[topic.rsplit(".", 1)[-1]].append(timestamp_ms)
    if not by_topic.get("raw"):
        return {}
    first = min(by_topic["raw"])
    rates = {
        name: round(len(stamps) / max(1e-3, (max(stamps) - first) / 1000), 1)
        for name, stamps in by_topic.items()
    }
    rates["dept (mentions fully delivered)"] = float(str(result["throughput_per_s"]))
    return rates


HOPS = ("ingest", "classify", "route", "notify")


def hop_latencies(
    stage_records: list[tuple[str, int, bytes]],
    dept_records: list[tuple[str, int, bytes]],
    run: str,
) -> dict[str, dict[str, float]]:
    """p50 and p99 seconds each stage adds, from broker timestamps: ingest from `ingested_at`
    to the raw record, classify raw to classified, route classified to routed, notify routed
    to the mention's last department delivery. Shows where the latency is spent."""
    prefix = f"bench:{run}-"
    at: dict[str, dict[str, float]] = defaultdict(dict)
    for topic, timestamp_ms, value in stage_records:
        stage = topic.rsplit(".", 1)[-1]
        record = json.loads(value)
        mention = (
            record
            if stage == "raw"
            else record.get("mention")
            if stage == "classified"
            else record.get("classified", {}).get("mention")
        )
        if stage == "routed" and record.get("kind", "mention") != "mention":
            continue
        if not mention or not str(mention.get("id", "")).startswith(prefix):
            continue
        times = at[mention["id"]]
        times.setdefault(stage, timestamp_ms / 1000)
        times.setdefault("ingested", datetime.fromisoformat(mention["ingested_at"]).timestamp())
    for _, timestamp_ms, value in dept_records:
        record = json.loads(value)
        mention_id = record.get("mention", {}).get("id", "")
        if record.get("kind", "mention") == "mention" and mention_id in at:
            times = at[mention_id]
            times["dept"] = max(times.get("dept", 0.0), timestamp_ms / 1000)
    steps = zip(
        HOPS,
        ("ingested", "raw", "classified", "routed"),
        ("raw", "classified", "routed", "dept"),
        strict=True,
    )
    out = {}
    for hop, before, after in steps:
        spent = [t[after] - t[before] for t in at.values() if before in t and after in t]
        if spent:
            out[hop] = {
                "p50": round(percentile(spent, 0.5), 3),
                "p99": round(percentile(spent, 0.99), 3),
            }
    return out


def wait_drained(
    topics: Topics, pipeline: Pipeline, timeout_s: float, history: bool = True
) -> dict[str, int]:
    """Until the groups' committed offsets reach the end (twice in a row), or the time is up.

    History's lag does not hold up delivery; without `history` it is only reported.
    """
    deadline = time.monotonic() + timeout_s
    calm = 0
    lag: dict[str, int] = {}
    while time.monotonic() < deadline:
        pipeline.check_alive()
        lag = topics.lag()
        waiting = {k: v for k, v in lag.items() if history or k != "history"}
        calm = calm + 1 if not any(waiting.values()) else 0
        if calm >= 2:
            return lag
        time.sleep(1.0)
    return lag


def run_phase(
    name: str,
    args: argparse.Namespace,
    pipeline: Pipeline,
    topics: Topics,
    sampler: Sampler,
    state: Path,
) -> dict[str, object]:
    run = f"{name.replace('/', '')}-{uuid.uuid4().hex[:6]}"
    start = topics.ends(topics.dept_topics)
    stage_names = [topics.topics.raw, topics.topics.classified, topics.topics.routed]
    stage_start = topics.ends(stage_names)
    count = args.count if name == "max" else min(args.count, int(float(name) * args.seconds))
    phase = Phase(name=name if name == "max" else f"{name}/s", offered=count)
    phase.started = time.time()
    if name == "max" and args.via == "replay":
        phase.offer = replay_offer(
            pipeline.bootstrap, TopicNames(pipeline.prefix), run, count, state
        )
    else:
        phase.offer = Offer(f"{pipeline.ingest_url}/v1/mentions", run)
        if name == "max":
            asyncio.run(phase.offer.max_rate(count, args.batch, args.clients))
        else:
            asyncio.run(phase.offer.fixed_rate(float(name), count))
    phase.offered_until = time.time()
    phase.sent_until = phase.offer.sent_until
    lag = wait_drained(topics, pipeline, args.drain_timeout, args.wait_history)
    phase.drained_at = time.time()
    dept_records = topics.read(start)
    result = analyse(phase, dept_records, run)
    result["lag_at_end"] = lag
    stage_records = topics.read(stage_start, stage_names)
    result["stage_rates_per_s"] = stage_rates(stage_records, result)
    result["hop_latency_s"] = hop_latencies(stage_records, dept_records, run)
    result["resources"] = sampler.summary(phase.started, phase.drained_at)
    # CPU per mention does not depend on what else runs on the machine, throughput does
    delivered = max(1, int(str(result["delivered_mentions"])))
    # over the busy window only (first offer to last delivery): idle waiting adds timer noise
    busy_until = float(str(result.pop("last_delivery_at")))
    used = sampler.cpu_seconds(phase.started, max(busy_until, phase.started + 1))
    per_mention = {name: round(1000 * s / delivered, 3) for name, s in used.items()}
    result["cpu_ms_per_mention"] = per_mention
    pipeline_ms = sum(v for k, v in per_mention.items() if k in SERVICES)
    result["cpu_bound_capacity_per_s"] = round(
        1000 * (psutil.cpu_count() or 1) / max(1e-6, pipeline_ms + per_mention.get("kafka", 0))
    )
    return result


def table(results: list[dict[str, object]]) -> None:
    report(
        f"{'phase':>8} {'offered/s':>10} {'delivered':>10} {'missing':>8} {'mentions/s':>11} "
        f"{'p50 s':>7} {'p95 s':>7} {'p99 s':>7}"
    )
    for r in results:
        lat = r["latency_s"]
        assert isinstance(lat, dict)
        report(
            f"{r['phase']!s:>8} {r['offered_rate_per_s']!s:>10} {r['delivered_mentions']!s:>10} "
            f"{r['missing']!s:>8} {r['throughput_per_s']!s:>11} {lat['p50']:>7} {lat['p95']:>7} "
            f"{lat['p99']:>7}"
        )
    report()
    report(f"{'phase':>8} " + " ".join(f"{n:>16}" for n in (*SERVICES, "kafka", "bench")))
    for r in results:
        resources = r["resources"]
        assert isinstance(resources, dict)
        cells = []
        for n in (*SERVICES, "kafka", "bench"):
            s = resources.get(n)
            cells.append(
                f"{s['cpu_percent_mean']:>5.0f}% {s['rss_mb_steady']:>5.0f}MB" if s else "-"
            )
        report(f"{r['phase']!s:>8} " + " ".join(f"{c:>16}" for c in cells))
    report("(CPU: mean % of one core over the phase; memory: median RSS of its second half)")
    report()
    report("CPU ms per delivered mention (independent of other load on the machine):")
    for r in results:
        report(f"{r['phase']!s:>8} {r.get('cpu_ms_per_mention')}")
        report(
            f"{'':>8} => with every core for the pipeline and the broker, CPU allows about "
            f"{r.get('cpu_bound_capacity_per_s')} mentions/s"
        )
    report(f"load average during the run: {os.getloadavg()}")
    report()
    report("records/s per topic (from the first raw record; the first drop is the bottleneck):")
    for r in results:
        report(f"{r['phase']!s:>8} {r.get('stage_rates_per_s')}")
    report()
    report("seconds each stage adds, p50 / p99 (broker timestamps):")
    for r in results:
        hops = r.get("hop_latency_s") or {}
        assert isinstance(hops, dict)
        cells = [f"{hop} {v['p50']} / {v['p99']}" for hop, v in hops.items()]
        report(f"{r['phase']!s:>8} " + "   ".join(cells))


def plot(results: list[dict[str, object]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(results), 2, figsize=(12, 3.2 * len(results)), squeeze=False)
    for row, r in zip(axes, results, strict=True):
        timeline = r["timeline"]
        assert isinstance(timeline, list)
        t = [p["t"] for p in timeline]
        row[0].plot(t, [p["accepted"] for p in timeline], label="accepted by ingest")
        row[0].plot(t, [p["delivered"] for p in timeline], label="fully delivered")
        row[0].set_title(f"{r['phase']}: mentions per second")
        row[0].set_xlabel("s")
        row[0].legend()
        for key in ("p50", "p99"):
            pts = [(p["t"], p[key]) for p in timeline if p[key] is not None]
            row[1].plot([a for a, _ in pts], [b for _, b in pts], label=key)
        row[1].set_title(f"{r['phase']}: end-to-end latency (s) of mentions completed")
        row[1].set_xlabel("s")
        row[1].set_yscale("log")
        row[1].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="100,1000,max", help="mentions/s per phase, or max")
    parser.add_argument("--count", type=int, default=20000, help="mentions per phase (at most)")
    parser.add_argument("--seconds", type=float, default=20, help="length of a fixed-rate phase")
    parser.add_argument("--batch", type=int, default=100, help="mentions per POST at max rate")
    parser.add_argument("--clients", type=int, default=4, help="concurrent POSTs at max rate")
    parser.add_argument("--via", choices=("webhook", "replay"), default="webhook")
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    parser.add_argument("--drain-timeout", type=float, default=600)
    parser.add_argument(
        "--wait-history",
        action="store_true",
        help="between phases, also wait until history has stored everything",
    )
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--plot", type=Path, default=None)
    args = parser.parse_args()
    stamp = time.strftime("%Y%m%dT%H%M%S")
    out_dir = REPO / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    json_path = args.json or out_dir / f"pipeline-{stamp}.json"
    png_path = args.plot or json_path.with_suffix(".png")

    org = load_organisation(ORGANISATION)
    with tempfile.TemporaryDirectory(prefix="webcare-bench-") as tmp, broker(Path(tmp)) as boot:
        state = Path(tmp)
        prefix = f"bench{uuid.uuid4().hex[:8]}"
        names = TopicNames(prefix)
        ensure_topics(boot, names.all_for(org.department_slugs), args.partitions, 1)
        database = args.database_url or f"sqlite:///{state / 'history.db'}"
        pipeline = Pipeline(
            boot, prefix, state, database, {"WEBCARE_TOPIC_PARTITIONS": str(args.partitions)}
        )
        pipeline.start()
        pids = {name: p.pid for name, p in pipeline.processes.items()}
        kafka = broker_pid(state)
        if kafka:
            pids["kafka"] = kafka

        pids["bench"] = os.getpid()
        sampler = Sampler(pids).start()
        topics = Topics(boot, names, org.department_slugs)
        results = []
        try:
            # one mention through first: every consumer has joined and warmed up
            warm = Offer(f"{pipeline.ingest_url}/v1/mentions", "warm")
            asyncio.run(warm.max_rate(1, 1, 1))
            wait_drained(topics, pipeline, 120)
            for name in args.rates.split(","):
                report(f"phase {name}: offering ...")
                results.append(run_phase(name.strip(), args, pipeline, topics, sampler, state))
        finally:
            sampler.stop()
            codes = pipeline.stop()
        document = {
            "command": " ".join(sys.argv),
            "at": stamp,
            "partitions": args.partitions,
            "database": "sqlite" if args.database_url is None else "external",
            "cpus": psutil.cpu_count(),
            "loadavg_at_end": os.getloadavg(),
            "exit_codes": codes,
            "phases": results,
        }
        json_path.write_text(json.dumps(document, indent=1))
        table(results)
        plot(results, png_path)
        report(f"\nJSON: {json_path}\nplot: {png_path}")


if __name__ == "__main__":
    main()
