"""The shared metrics server: Prometheus text on /metrics, process metrics, and /health."""

from __future__ import annotations

import httpx
import pytest

from services.common.healthcheck import service_from_cmdline
from services.common.metrics import DEAD_LETTERS, serve_metrics
from tests.conftest import free_port


def test_metrics_server_answers_health_and_metrics() -> None:
    port = free_port()
    serve_metrics(port)
    DEAD_LETTERS.labels(stage="ops-test", reason="probe").inc()
    health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    assert 'webcare_dead_letters_total{reason="probe",stage="ops-test"} 1.0' in metrics
    for name in ("process_resident_memory_bytes", "process_cpu_seconds_total", "python_info"):
        assert f"\n{name}" in metrics, name


def test_healthcheck_recognises_the_service_from_the_command_line() -> None:
    assert service_from_cmdline(b"python\x00-m\x00services.route\x00") == "route"
    assert service_from_cmdline(b"/sbin/docker-init\x00--\x00python\x00-m\x00services.history") == (
        "history"
    )
    assert service_from_cmdline(b"python\x00-m\x00services.common.healthcheck") is None
    assert service_from_cmdline(b"bash\x00") is None


def test_healthcheck_asks_the_services_metrics_port(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.common import healthcheck

    port = free_port()
    monkeypatch.setenv("WEBCARE_ROUTE_METRICS_PORT", str(port))
    assert healthcheck.main(["route"]) == 1  # nothing listens yet
    serve_metrics(port)
    assert healthcheck.main(["route"]) == 0
    monkeypatch.setenv("WEBCARE_SERVICE", "route")
    assert healthcheck.main([]) == 0
    assert healthcheck.main(["nonsense"]) == 2
