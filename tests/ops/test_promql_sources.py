"""Every metric the dashboard and the alerts use is one a service defines (or is PENDING)."""

from __future__ import annotations

import pytest

from tests.ops.promql import (
    FROM_PROMETHEUS,
    PENDING,
    alert_expressions,
    base_name,
    dashboard_expressions,
    defined_metrics,
    metric_names,
)

EXPRESSIONS = {
    **dashboard_expressions(),
    **{f"alert {k}": v for k, v in alert_expressions().items()},
}


def test_metric_names_are_read_from_expressions() -> None:
    expr = 'sum by (le) (rate(webcare_x_bucket{job="webcare_not_a_metric"}[5m])) / up{job="a"}'
    assert metric_names(expr) == {"webcare_x_bucket", "up"}


@pytest.mark.parametrize("where", sorted(EXPRESSIONS))
def test_expression_uses_only_metrics_that_exist(where: str) -> None:
    names = metric_names(EXPRESSIONS[where])
    assert names, "an expression without a metric"
    unknown = {
        name
        for name in names
        if name not in defined_metrics()
        and name not in FROM_PROMETHEUS
        and base_name(name) not in PENDING
    }
    assert not unknown, f"{where}: no service defines {sorted(unknown)}"


def test_pending_metrics_are_not_defined_yet() -> None:
    """When a service starts emitting one, it leaves PENDING and its data becomes required."""
    assert not PENDING & defined_metrics()


def test_every_pending_metric_is_still_used() -> None:
    used = {base_name(n) for expr in EXPRESSIONS.values() for n in metric_names(expr)}
    assert used >= PENDING


def test_docs_list_every_metric_and_alert() -> None:
    from prometheus_client import REGISTRY

    from tests.conftest import REPO

    docs = (REPO / "docs" / "metrics.md").read_text(encoding="utf-8")
    defined_metrics()  # imports every service module, registering its metrics
    names = {
        family.name + ("_total" if family.type == "counter" else "")
        for family in REGISTRY.collect()
        if family.name.startswith("webcare_")
    }
    assert names
    undocumented = {
        name for name in names | PENDING | set(alert_expressions()) if f"`{name}`" not in docs
    }
    assert not undocumented
