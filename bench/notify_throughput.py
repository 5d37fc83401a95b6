"""Delivery throughput of the notifier per target type, against local receivers.

    .venv/bin/python bench/notify_throughput.py [--mentions 300]

For each target type (department Kafka topic, JSON webhook, Slack webhook,
e-mail over SMTP) it starts a notifier process whose one department has only
that push target, feeds it N routing decisions, and reads the delivery
receipts: throughput = deliveries / (last receipt - first receipt) for that
channel, so the notifier's start-up is not counted. Every run also delivers to
the department topic (always on); the "kafka" row is a run without push
targets. Uses WEBCARE_KAFKA_BOOTSTRAP if set, otherwise starts a broker.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from schemas import DeliveryOutcome, DeliveryReceipt  # noqa: E402
from services.common.kafka import ensure_topics  # noqa: E402
from services.common.organisation import load_organisation  # noqa: E402
from services.common.topics import TopicNames  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.service.notify.conftest import decision, produce_decisions, read_records  # noqa: E402
from tests.service.notify.servers import FlakyHttpServer, RecordingSmtpServer  # noqa: E402
from tests.support.processes import ServiceProcess  # noqa: E402
from tests.unit.factories import EXAMPLE_CONFIG  # noqa: E402


def say(line: str, flush: bool = True) -> None:
    sys.stdout.write(line + "\n")
    if flush:
        sys.stdout.flush()


def push_for(kind: str, http: FlakyHttpServer) -> tuple[list[dict[str, str]], dict[str, object]]:
    if kind == "webhook":
        return [{"url": f"{http.url}/hook"}], {}
    if kind == "slack":
        return [], {"slack": [{"url": f"{http.url}/slack"}]}
    if kind == "teams":
        return [], {"teams": [{"url": f"{http.url}/teams"}]}
    if kind == "email":
        return [], {"email": [{"to": ["dewi@openhart.nl"]}]}
    return [], {}


def run_one(kind: str, mentions: int, bootstrap: str, workdir: Path) -> tuple[int, float]:
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    with FlakyHttpServer() as http, RecordingSmtpServer() as smtp:
        webhooks, push = push_for(kind, http)
        config = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
        for dept in config["departments"]:
            if dept["slug"] == "service":
                dept["webhooks"], dept["push"] = webhooks, push
        path = workdir / f"{prefix}.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        topics = TopicNames(prefix)
        ensure_topics(bootstrap, topics.all_for(load_organisation(path).department_slugs), 3, 1)
        env = {
            "WEBCARE_KAFKA_BOOTSTRAP": bootstrap,
            "WEBCARE_TOPIC_PREFIX": prefix,
            "WEBCARE_ORGANISATION_CONFIG": str(path),
            "WEBCARE_STATE_DIR": str(workdir / "state"),
            "WEBCARE_NOTIFY_METRICS_PORT": "0",
            "WEBCARE_NOTIFY_RATE_PER_S": "100000",
            "WEBCARE_NOTIFY_RATE_BURST": "100000",
            "WEBCARE_SMTP_HOST": smtp.host,
            "WEBCARE_SMTP_PORT": str(smtp.port),
            "WEBCARE_LOG_LEVEL": "WARNING",
        }
        notifier = ServiceProcess("notify", env, workdir / f"{prefix}.log").start()
        try:
            produce_decisions(bootstrap, topics.routed, [decision(n) for n in range(mentions)])
            channel = kind if kind != "kafka" else "kafka"

            def delivered(records: list) -> list[DeliveryReceipt]:  # type: ignore[type-arg]
                receipts = [DeliveryReceipt.model_validate_json(r.value) for r in records]
                return [
                    r
                    for r in receipts
                    if r.channel == channel and r.outcome == DeliveryOutcome.DELIVERED
                ]

            records = read_records(
                bootstrap,
                topics.notifications_sent,
                lambda rs: len(delivered(rs)) >= mentions,
                timeout_s=600,
            )
        finally:
            notifier.stop()
        times = sorted(r.at for r in delivered(records))
        span = (times[-1] - times[0]).total_seconds()
        return len(times), span


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=300)
    parser.add_argument("--targets", default="kafka,webhook,slack,teams,email")
    args = parser.parse_args()
    started_broker: dict[str, str] | None = None
    bootstrap = os.environ.get("WEBCARE_KAFKA_BOOTSTRAP")
    with tempfile.TemporaryDirectory(prefix="webcare-bench-") as tmp:
        workdir = Path(tmp)
        if not bootstrap:
            port = free_port()
            started_broker = {
                **os.environ,
                "WEBCARE_KAFKA_PORT": str(port),
                "WEBCARE_KAFKA_CONTROLLER_PORT": str(free_port()),
                "WEBCARE_KAFKA_DATA_DIR": str(workdir / "kafka"),
            }
            subprocess.run(
                ["bash", str(REPO / "deploy/kafka/start.sh")],
                env=started_broker,
                check=True,
                capture_output=True,
            )
            bootstrap = f"127.0.0.1:{port}"
        try:
            say(f"notify throughput, {args.mentions} mentions per target type, 1 notifier process")
            say(f"{'target':<8} {'delivered':>9} {'seconds':>8} {'per second':>11}")
            for kind in args.targets.split(","):
                count, span = run_one(kind, args.mentions, bootstrap, workdir)
                rate = (count - 1) / span if span > 0 else float("inf")
                say(f"{kind:<8} {count:>9} {span:>8.2f} {rate:>11.1f}", flush=True)
        finally:
            if started_broker is not None:
                subprocess.run(
                    ["bash", str(REPO / "deploy/kafka/stop.sh")],
                    env=started_broker,
                    check=False,
                    capture_output=True,
                )


if __name__ == "__main__":
    start = time.monotonic()
    main()
    say(f"total wall time {time.monotonic() - start:.1f}s")
