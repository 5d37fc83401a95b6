"""The provisioned Grafana dashboard: valid structure, wired to the provisioned datasource,
and covering what operators watch (DESIGN.md, Users)."""

from __future__ import annotations

import json

import yaml

from tests.conftest import REPO
from tests.ops.promql import DASHBOARD, base_name, metric_names

GRAFANA = REPO / "deploy" / "grafana"


def load_dashboard() -> dict:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def datasource_uid() -> str:
    config = yaml.safe_load(
        (GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text(encoding="utf-8")
    )
    [source] = config["datasources"]
    assert source["type"] == "prometheus"
    return str(source["uid"])


def test_dashboard_identity() -> None:
    dashboard = load_dashboard()
    assert dashboard["uid"] == "webcare-pipeline"
    assert dashboard["title"]
    assert isinstance(dashboard["schemaVersion"], int)
    assert isinstance(dashboard["version"], int)


def test_panels_are_unique_queried_and_on_the_provisioned_datasource() -> None:
    uid = datasource_uid()
    panels = load_dashboard()["panels"]
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids))
    for panel in panels:
        if panel["type"] == "row":
            continue
        assert panel["type"] in {"timeseries", "stat", "gauge", "table"}, panel["title"]
        assert panel["datasource"]["uid"] == uid, panel["title"]
        assert panel["description"], panel["title"]
        targets = panel["targets"]
        assert targets, panel["title"]
        ref_ids = [t["refId"] for t in targets]
        assert len(ref_ids) == len(set(ref_ids)), panel["title"]
        for target in targets:
            assert target["expr"].strip(), panel["title"]
            assert target["datasource"]["uid"] == uid, panel["title"]


def test_panels_fit_the_grid_without_overlapping() -> None:
    taken: set[tuple[int, int]] = set()
    for panel in load_dashboard()["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] >= 0, panel["title"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        cells = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & taken, f"{panel['title']} overlaps another panel"
        taken |= cells


def test_dashboard_shows_what_operators_watch() -> None:
    used = {
        base_name(name)
        for panel in load_dashboard()["panels"]
        for target in panel.get("targets", [])
        for name in metric_names(target["expr"])
    }
    assert {
        "webcare_ingested_total",  # rate per stage
        "webcare_stage_processing_seconds_count",
        "webcare_end_to_end_latency_seconds_bucket",  # latency percentiles
        "webcare_consumer_lag_messages",
        "webcare_unclaimed_mentions",  # backlog per department
        "webcare_overdue_mentions",
        "webcare_sla_breaches_total",
        "webcare_first_response_seconds_bucket",
        "webcare_dead_letters_total",
        "webcare_notifications_total",  # deliveries by outcome
        "webcare_crisis_active",
        "up",
    } <= used


def test_dashboard_provider_loads_the_dashboards_folder() -> None:
    config = yaml.safe_load(
        (GRAFANA / "provisioning" / "dashboards" / "webcare.yml").read_text(encoding="utf-8")
    )
    [provider] = config["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"] == "/etc/grafana/dashboards"
