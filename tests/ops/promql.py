"""The PromQL the operators rely on, read from the dashboard and the alert rules, and the
metric names each expression uses, checked against the metrics the services define.

PENDING names metrics that DESIGN.md asks for but no service emits yet (none at the
moment: the last one, history's overdue gauge, is emitted now). An
expression that uses one must still be valid PromQL, but cannot return data yet. The
moment a service defines such a metric, `test_pending_metrics_are_not_defined_yet`
fails, so it is taken off this list and its expressions must return data too.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from functools import cache

import yaml
from prometheus_client import REGISTRY

import services
from tests.conftest import REPO

DASHBOARD = REPO / "deploy" / "grafana" / "dashboards" / "webcare.json"
ALERTS = REPO / "deploy" / "prometheus" / "alerts.yml"

PENDING: frozenset[str] = frozenset()  # every metric the design asks for is emitted now
# Series Prometheus makes itself, not a service.
FROM_PROMETHEUS = frozenset({"up"})

_METRIC = re.compile(r"\b(?:webcare|process|python)_[a-z0-9_]+\b|\bup\b(?=\s*\{)")
_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "summary": ("_count", "_sum", "_created"),
}


def dashboard_expressions() -> dict[str, str]:
    """`panel title / refId` -> expr, for every query of every panel."""
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return {
        f"{panel['title']} / {target['refId']}": target["expr"]
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    }


def alert_expressions() -> dict[str, str]:
    rules = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    return {
        rule.get("alert") or rule["record"]: rule["expr"]
        for group in rules["groups"]
        for rule in group["rules"]
    }


def metric_names(expr: str) -> set[str]:
    """Metric names in an expression (label values in quotes are left out)."""
    return set(_METRIC.findall(re.sub(r'"[^"]*"', '""', expr)))


def base_name(sample_name: str) -> str:
    for suffix in ("_bucket", "_count", "_sum"):
        if sample_name.endswith(suffix) and sample_name.removesuffix(suffix) in PENDING:
            return sample_name.removesuffix(suffix)
    return sample_name


@cache
def defined_metrics() -> frozenset[str]:
    """Every sample name the services' code can emit: all service modules imported."""
    for module in pkgutil.walk_packages(services.__path__, "services."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    names: set[str] = set()
    for family in REGISTRY.collect():
        names.add(family.name)
        names.update(family.name + suffix for suffix in _SUFFIXES.get(family.type, ()))
        names.update(sample.name for sample in family.samples)
    return frozenset(names)
