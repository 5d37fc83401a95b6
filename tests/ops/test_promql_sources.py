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
