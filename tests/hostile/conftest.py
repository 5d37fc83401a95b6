"""One pipeline for the whole hostile-input suite, on the session broker and its own PostgreSQL
database: PostgreSQL is the stricter store (it refuses NUL bytes in text), so what passes
here passes on SQLite too."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import yaml
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import free_port
from tests.support.pipeline import Pipeline, running_pipeline
from tests.support.processes import ServiceProcess, wait_healthy


def _own_database(postgres_url: str) -> str:
    """A fresh database next to the session's, so counts and searches see only this suite."""
    url = make_url(postgres_url)
    name = f"hostile_{uuid.uuid4().hex[:8]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    finally:
        engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="package")
def hostile(
    kafka_bootstrap: str, postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pipeline]:
    workdir = tmp_path_factory.mktemp("hostile")
    database_url = _own_database(postgres_url)
    with running_pipeline(
        kafka_bootstrap, f"hostile{uuid.uuid4().hex[:8]}", workdir, database_url
    ) as pipeline:
        yield pipeline
        dead = pipeline.dead()
    # every service survived everything the suite threw at it
    assert not dead, dead


# Tight limits and short deadlines for the guard tests: one more ingest and one more history
# process (a replica in history's consumer group, as scaling out adds) on the suite's broker
# and database, so the rest of the suite keeps the defaults.
GUARDS = {
    "WEBCARE_INGEST_RATE_PER_ADDRESS": "2",
    "WEBCARE_INGEST_BURST_PER_ADDRESS": "30",
    "WEBCARE_INGEST_RATE_PER_SOURCE": "2",
    "WEBCARE_INGEST_BURST_PER_SOURCE": "15",
    "WEBCARE_INGEST_DEAD_LETTER_RATE": "1",
    "WEBCARE_INGEST_DEAD_LETTER_BURST": "5",
    "WEBCARE_INGEST_HEADER_TIMEOUT_S": "2",
    "WEBCARE_INGEST_BODY_TIMEOUT_S": "2",
    "WEBCARE_HISTORY_RATE_PER_ADDRESS": "2",
    "WEBCARE_HISTORY_BURST_PER_ADDRESS": "40",
    "WEBCARE_HISTORY_RATE_PER_KEY": "2",
    "WEBCARE_HISTORY_BURST_PER_KEY": "20",
    "WEBCARE_HISTORY_STREAMS_PER_KEY": "2",
    "WEBCARE_HISTORY_STREAMS_MAX": "3",
    "WEBCARE_HISTORY_STREAM_HEARTBEAT_S": "0.5",
    "WEBCARE_HISTORY_HEADER_TIMEOUT_S": "2",
    "WEBCARE_HISTORY_BODY_TIMEOUT_S": "2",
}
BRIDGE_SECRET, BRIDGE_PREVIOUS = "hostile-bridge-secret-2", "hostile-bridge-secret-1"


@dataclass
class Guarded:
    """Where the tightly limited ingest and history answer, and the ingest's metrics."""

    ingest_url: str
    api_url: str
    metrics_url: str
    processes: list[ServiceProcess]

    def metric(self, name: str, **labels: str) -> float:
        text = httpx.get(self.metrics_url, timeout=10).text
        wanted = name + ("{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}")
        for line in text.splitlines():
            if line.startswith(wanted + " ") or (not labels and line.startswith(name + " ")):
                return float(line.rsplit(" ", 1)[1])
        return 0.0


@pytest.fixture(scope="module")
def guarded(hostile: Pipeline) -> Iterator[Guarded]:
    config = yaml.safe_load(hostile.config_path.read_text(encoding="utf-8"))
    config["sources"]["webhooks"].append(
        {
            "source": "bridge",
            "secret_env": "HOSTILE_BRIDGE_SECRET",
            "previous_secret_env": "HOSTILE_BRIDGE_PREVIOUS",
        }
    )
    config_path = hostile.workdir / "guarded-organisation.yaml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    ingest_port, api_port, metrics_port = free_port(), free_port(), free_port()
    env = {
        **hostile.env,
        **GUARDS,
        "WEBCARE_INGEST_PORT": str(ingest_port),
        "WEBCARE_INGEST_METRICS_PORT": str(metrics_port),
        "WEBCARE_HISTORY_PORT": str(api_port),
        "WEBCARE_STATE_DIR": str(hostile.workdir / "guarded-state"),
    }
    ingest = ServiceProcess(
        "ingest",
        {
            **env,
            "WEBCARE_ORGANISATION_CONFIG": str(config_path),
            "HOSTILE_BRIDGE_SECRET": BRIDGE_SECRET,
            "HOSTILE_BRIDGE_PREVIOUS": BRIDGE_PREVIOUS,
        },
        hostile.workdir / "guarded-ingest.log",
    ).start()
    history = ServiceProcess("history", env, hostile.workdir / "guarded-history.log").start()
    try:
        wait_healthy(f"http://127.0.0.1:{ingest_port}/health", ingest, timeout_s=120)
        wait_healthy(f"http://127.0.0.1:{api_port}/health", history, timeout_s=120)
        yield Guarded(
            f"http://127.0.0.1:{ingest_port}",
            f"http://127.0.0.1:{api_port}",
            f"http://127.0.0.1:{metrics_port}/metrics",
            [ingest, history],
        )
        dead = [p.name for p in (ingest, history) if not p.alive()]
        assert not dead, f"died: {dead}"
    finally:
        for process in (ingest, history):
            if process.alive():
                process.stop()
        _forget_keys(hostile.database_url, GUARD_KEYS)


GUARD_KEYS = ("flooder", "streams-a", "streams-b", "streams-c")  # the keys test_guards makes


def _forget_keys(database_url: str, names: tuple[str, ...]) -> None:
    """The rest of the suite expects no stored keys (test_webhook counts them after injection)."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("DELETE FROM api_keys WHERE name IN :names").bindparams(
                    bindparam("names", expanding=True)
                ),
                {"names": list(names)},
            )
    finally:
        engine.dispose()
