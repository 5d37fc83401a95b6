"""A real Prometheus (Debian's binary) scrapes the whole pipeline, run as processes on the
test broker, and every expression of the dashboard and the alert rules is run against it.

Scrape config and rules are the ones in deploy/prometheus, with the targets pointed at
the services' ports here and a 1 s interval. Mentions go through (one malformed message
to ingest and one garbage message on the raw topic, so dead letters exist), then:
- every dashboard expression must be valid PromQL, and return data unless it uses a
  metric listed as PENDING in tests/ops/promql.py (no service emits it yet);
- every alert rule must be loaded and evaluate without error, and every metric it
  selects must have data (same PENDING exception): an alert's full expression is empty
  while it does not fire, which is the healthy state here; promtool tests cover firing.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from services.common.kafka import ensure_topics
from services.common.organisation import load_organisation
from services.common.topics import TopicNames
from tests.conftest import free_port
from tests.ops.promql import (
    PENDING,
    alert_expressions,
    base_name,
    dashboard_expressions,
    metric_names,
)
from tests.support.kafka_reading import produce
from tests.support.processes import ServiceProcess, wait_healthy
from tests.unit.factories import EXAMPLE_CONFIG

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]

SERVICES = ["ingest", "classify", "route", "notify", "history", "publish"]
PROMETHEUS_DIR = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
RATE_INTERVAL = "1m"  # what Grafana's $__rate_interval stands for in these queries


class PrometheusApi:
    def __init__(self, url: str) -> None:
        self.url = url

    def query(self, expr: str) -> dict[str, Any]:
        answer = httpx.get(f"{self.url}/api/v1/query", params={"query": expr}, timeout=10)
        body: dict[str, Any] = answer.json()
        return body

    def has_data(self, expr: str) -> bool:
        body = self.query(expr)
        return body["status"] == "success" and bool(body["data"]["result"])


def uses_pending(expr: str) -> bool:
    return any(base_name(name) in PENDING for name in metric_names(expr))


def for_query(expr: str) -> str:
    return expr.replace("$__rate_interval", RATE_INTERVAL)


@pytest.fixture
def pipeline_ports(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> Iterator[dict[str, int]]:
    """Every service as a process, each with its own free metrics port."""
    org = load_organisation(EXAMPLE_CONFIG)
    ensure_topics(kafka_bootstrap, TopicNames(topic_prefix).all_for(org.department_slugs), 3, 1)
    metrics_ports = {name: free_port() for name in SERVICES}
    ingest_port, api_port = free_port(), free_port()
    env = {
        "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "WEBCARE_TOPIC_PREFIX": topic_prefix,
        "WEBCARE_ORGANISATION_CONFIG": str(EXAMPLE_CONFIG),
        "WEBCARE_STATE_DIR": str(tmp_path / "state"),
        "WEBCARE_DATABASE_URL": f"sqlite:///{tmp_path / 'history.db'}",
        "WEBCARE_INGEST_PORT": str(ingest_port),
        "WEBCARE_HISTORY_PORT": str(api_port),
        "WEBCARE_LAG_INTERVAL_S": "1",
        **{
            f"WEBCARE_{name.upper()}_METRICS_PORT": str(port)
            for name, port in metrics_ports.items()
        },
    }
    processes = {
        name: ServiceProcess(name, env, tmp_path / f"{name}.log").start() for name in SERVICES
    }
    try:
        for name, port in metrics_ports.items():
            wait_healthy(f"http://127.0.0.1:{port}/health", processes[name])
        wait_healthy(f"http://127.0.0.1:{ingest_port}/health", processes["ingest"])
        wait_healthy(f"http://127.0.0.1:{api_port}/health", processes["history"])
        yield {**metrics_ports, "ingest_http": ingest_port}
    finally:
        codes = {name: process.stop() for name, process in processes.items()}
        logs = {name: process.log_tail() for name, process in processes.items()}
    assert codes == dict.fromkeys(SERVICES, 0), f"unclean shutdown {codes}\n{logs}"


@pytest.fixture
def prometheus(
    ops_tools: dict[str, str], pipeline_ports: dict[str, int], tmp_path: Path
) -> Iterator[PrometheusApi]:
    """Debian's prometheus with deploy/prometheus's config, targets moved to this machine."""
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text(encoding="utf-8"))
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    config["rule_files"] = [str(PROMETHEUS_DIR / name) for name in config["rule_files"]]
    for job in config["scrape_configs"]:
        service = job["job_name"].removeprefix("webcare-")
        job["static_configs"] = [{"targets": [f"127.0.0.1:{pipeline_ports[service]}"]}]
    config_path = tmp_path / "prometheus.yml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    port = free_port()
    log_path = tmp_path / "prometheus.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                ops_tools["prometheus"],
                f"--config.file={config_path}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log_path.read_text(errors="replace")[-3000:]
            try:
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "Prometheus not ready in 60 s"
            time.sleep(0.3)
        yield PrometheusApi(url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def drive_mentions(bootstrap: str, prefix: str, ingest_url: str) -> None:
    mentions = [
        {
            "source": "x",
            "external_id": f"ops-{n}",
            "author": {"id": f"ops{n}", "handle": f"ops_{n}"},
            "text": text,
            "created_at": "2026-11-20T09:15:00Z",
        }
        for n, text in enumerate(
            [
                "Ik ben boos: twee keer afgeschreven voor mijn donatie!",
                "Zoeken jullie nog vrijwilligers voor de collecte?",
                "Mooi programma gisteren, dank jullie wel",
            ]
        )
    ]
    answer = httpx.post(f"{ingest_url}/v1/mentions", json=mentions, timeout=30)
    assert answer.status_code == 202, answer.text
    refused = httpx.post(f"{ingest_url}/v1/mentions", json={"source": "x"}, timeout=30)
    assert refused.status_code == 422, refused.text
    produce(bootstrap, TopicNames(prefix).raw, b"\xff not a mention", key=b"ops-junk")
    produce(bootstrap, TopicNames(prefix).raw, BROKEN_MENTION, key=b"ops-broken")


BROKEN_MENTION = b'{"id": "x:ops-broken", "source": "x"}'  # JSON with an id, not a mention


def log_lines(path: Path) -> list[dict[str, Any]]:
    lines = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def wait_for(prometheus: PrometheusApi, exprs: list[str], timeout_s: float = 120.0) -> list[str]:
    """Polls until every expression has data or the time is up; returns those without."""
    deadline = time.monotonic() + timeout_s
    while True:
        missing = [expr for expr in exprs if not prometheus.has_data(expr)]
        if not missing or time.monotonic() > deadline:
            return missing
        time.sleep(1.0)


def test_every_dashboard_and_alert_expression_runs_on_the_live_pipeline(
    prometheus: PrometheusApi,
    pipeline_ports: dict[str, int],
    kafka_bootstrap: str,
    topic_prefix: str,
    tmp_path: Path,
) -> None:
    drive_mentions(
        kafka_bootstrap, topic_prefix, f"http://127.0.0.1:{pipeline_ports['ingest_http']}"
    )
    # The pipeline did its work: deliveries and both kinds of dead letter are counted.
    assert not wait_for(
        prometheus,
        [
            'sum(webcare_notifications_total{channel="kafka",outcome="delivered"}) >= 3',
            'webcare_dead_letters_total{stage="ingest"}',
            'webcare_dead_letters_total{stage="classify"}',
            "webcare_consumer_lag_messages",
        ],
    )
    # The classifier's JSON log names the mention it dead-lettered (correlation id).
    assert not wait_for(prometheus, ['webcare_dead_letters_total{reason="invalid_mention"} >= 2'])
    dead_lettered = [
        line for line in log_lines(tmp_path / "classify.log") if line["msg"] == "dead-lettered"
    ]
    assert {line.get("mention_id") for line in dead_lettered} == {None, "x:ops-broken"}
    assert all(line["service"] == "classify" for line in dead_lettered)

    # every target scraped and up (a target's first scrape can come later than the others')
    wait_for(prometheus, [f'up{{job="webcare-{name}"}} == 1' for name in SERVICES])
    ups = prometheus.query('up{job=~"webcare-.+"}')["data"]["result"]
    assert {(r["metric"]["job"], r["value"][1]) for r in ups} == {
        (f"webcare-{name}", "1") for name in SERVICES
    }
    lag_groups = {
        r["metric"]["group"]
        for r in prometheus.query("webcare_consumer_lag_messages")["data"]["result"]
    }
    assert lag_groups == {f"{topic_prefix}-{name}" for name in SERVICES if name != "ingest"}

    dashboard = {where: for_query(expr) for where, expr in dashboard_expressions().items()}
    for where, expr in dashboard.items():
        answer = prometheus.query(expr)
        assert answer["status"] == "success", f"{where}: {expr}: {answer}"
    required = [expr for expr in dashboard.values() if not uses_pending(expr)]
    missing = wait_for(prometheus, required)
    assert not missing, f"dashboard expressions without data: {missing}"

    alerts = alert_expressions()
    selected = sorted(
        {
            name
            for expr in alerts.values()
            for name in metric_names(expr)
            if base_name(name) not in PENDING
        }
    )
    assert not wait_for(prometheus, selected), "alert rules select metrics without data"
    for name, expr in alerts.items():
        assert prometheus.query(expr)["status"] == "success", f"{name}: {expr}"
    rules = httpx.get(f"{prometheus.url}/api/v1/rules", timeout=10).json()["data"]["groups"]
    loaded = {rule["name"]: rule for group in rules for rule in group["rules"]}
    assert set(loaded) == set(alerts)
    deadline = time.monotonic() + 30
    while any(rule.get("lastEvaluation", "").startswith("0001") for rule in loaded.values()):
        assert time.monotonic() < deadline, "rules never evaluated"
        time.sleep(1)
        rules = httpx.get(f"{prometheus.url}/api/v1/rules", timeout=10).json()["data"]["groups"]
        loaded = {rule["name"]: rule for group in rules for rule in group["rules"]}
    assert {name: (r["health"], r.get("lastError", "")) for name, r in loaded.items()} == {
        name: ("ok", "") for name in alerts
    }
    # A healthy pipeline raises none of them.
    firing = [r["name"] for r in loaded.values() if r["state"] == "firing"]
    assert firing == []
