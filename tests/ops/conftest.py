"""Fixtures of the ops tests: the Prometheus tools, installed on demand like PostgreSQL."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO

DEPLOY = REPO / "deploy"


@pytest.fixture(scope="session")
def ops_tools() -> dict[str, str]:
    """Paths of prometheus, promtool and docker-compose; fails (never skips) without them."""
    ensured = subprocess.run(
        ["bash", str(DEPLOY / "prometheus" / "ensure.sh")], capture_output=True, text=True
    )
    if ensured.returncode != 0:
        pytest.fail(f"ops tools missing:\n{ensured.stdout}\n{ensured.stderr}")
    tools = {name: shutil.which(name) for name in ("prometheus", "promtool", "docker-compose")}
    missing = [name for name, path in tools.items() if path is None]
    if missing:
        pytest.fail(f"not on PATH after deploy/prometheus/ensure.sh: {missing}")
    return {name: str(path) for name, path in tools.items()}
