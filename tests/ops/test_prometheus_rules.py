"""The Prometheus config and alert rules are valid, and every alert fires when it should."""

from __future__ import annotations

import subprocess

import yaml

from tests.ops.conftest import DEPLOY

PROMETHEUS = DEPLOY / "prometheus"
SERVICE_PORTS = {
    "ingest": 9101,
    "classify": 9102,
    "route": 9103,
    "notify": 9104,
    "history": 9105,
    "publish": 9106,
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, cwd=PROMETHEUS)


def test_config_and_rules_pass_promtool_check(ops_tools: dict[str, str]) -> None:
    checked = run(ops_tools["promtool"], "check", "config", "prometheus.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_alert_rules_unit_tests_pass(ops_tools: dict[str, str]) -> None:
    tested = run(ops_tools["promtool"], "test", "rules", "alerts_test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout


def test_every_alert_has_a_unit_test_and_a_severity() -> None:
    rules = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text(encoding="utf-8"))
    alerts = {r["alert"]: r for g in rules["groups"] for r in g["rules"] if "alert" in r}
    tests = yaml.safe_load((PROMETHEUS / "alerts_test.yml").read_text(encoding="utf-8"))
    firing = {
        case["alertname"]
        for test in tests["tests"]
        for case in test["alert_rule_test"]
        if case["exp_alerts"]
    }
    assert set(alerts) == firing
    assert {a["labels"]["severity"] for a in alerts.values()} <= {"warning", "critical"}
    assert all(a["annotations"]["summary"] for a in alerts.values())


def test_every_service_is_scraped_on_its_default_metrics_port() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text(encoding="utf-8"))
    jobs = {
        job["job_name"]: target
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    assert jobs == {f"webcare-{name}": f"{name}:{port}" for name, port in SERVICE_PORTS.items()}


def test_those_ports_are_the_services_defaults() -> None:
    from services.common.healthcheck import settings_of

    defaults = {
        name: type(settings_of(name)).model_fields["metrics_port"].default for name in SERVICE_PORTS
    }
    assert defaults == SERVICE_PORTS
