"""Fixtures that start real things: a Kafka broker and a PostgreSQL cluster, once per session.

WEBCARE_KAFKA_BOOTSTRAP / WEBCARE_TEST_DATABASE_URL point the tests at existing
servers instead. Every integration test gets its own topic prefix, so tests
never see each other's messages.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    existing = os.environ.get("WEBCARE_KAFKA_BOOTSTRAP")
    if existing:
        yield existing
        return
    port, controller_port = free_port(), free_port()
    env = {
        **os.environ,
        "WEBCARE_KAFKA_PORT": str(port),
        "WEBCARE_KAFKA_CONTROLLER_PORT": str(controller_port),
        "WEBCARE_KAFKA_DATA_DIR": str(tmp_path_factory.mktemp("kafka")),
    }
    started = subprocess.run(
        ["bash", str(REPO / "deploy/kafka/start.sh")], env=env, capture_output=True, text=True
    )
    if started.returncode != 0:
        pytest.fail(f"Kafka did not start:\n{started.stdout}\n{started.stderr}")
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run(["bash", str(REPO / "deploy/kafka/stop.sh")], env=env, check=False)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, empty database for this session; fails (never skips) when none can be had."""
    existing = os.environ.get("WEBCARE_TEST_DATABASE_URL")
    if existing:
        yield existing
        return
    data_dir = Path(f"/tmp/webcare-pg-{os.getpid()}")
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(mode=0o755)
    port = free_port()
    started = subprocess.run(
        ["bash", str(REPO / "deploy/postgres/start.sh"), str(data_dir), str(port)],
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:
        pytest.fail(f"PostgreSQL did not start:\n{started.stdout}\n{started.stderr}")
    admin_url = started.stdout.strip().splitlines()[-1]
    database = f"webcare_test_{uuid.uuid4().hex[:8]}"
    subprocess.run(["psql", admin_url, "-qc", f"CREATE DATABASE {database}"], check=True)
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{database}"
    finally:
        subprocess.run(["bash", str(REPO / "deploy/postgres/stop.sh"), str(data_dir)], check=False)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def topic_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}"
