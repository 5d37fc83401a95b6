"""The whole pipeline as real processes on one broker, for suites that break things on purpose.

`Pipeline` starts ingest, classify, route, notify and history the way `make run`
does, can SIGKILL and restart any one of them, and says where to reach them.
The chaos and hostile-input suites share it; tests/e2e keeps its own fixture.
"""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from kafka import KafkaConsumer, TopicPartition

from services.common.kafka import ensure_topics
from services.common.lag import STALLED_EXIT_CODE
from services.common.organisation import load_organisation
from services.common.topics import TopicNames
from tests.conftest import free_port
from tests.support.processes import ServiceProcess, wait_healthy
from tests.unit.factories import EXAMPLE_CONFIG

SERVICES = ("ingest", "classify", "route", "notify", "history")
ADMIN_KEY = "pipeline-admin-key"


@dataclass
class Pipeline:
    """Five service processes sharing one environment; `kill` and `restart` one at a time."""

    bootstrap: str
    prefix: str
    workdir: Path
    database_url: str
    extra_env: Mapping[str, str] = field(default_factory=dict)
    processes: dict[str, ServiceProcess] = field(default_factory=dict)
    revived: list[str] = field(default_factory=list)  # restarted after a stall, as make run does

    def __post_init__(self) -> None:
        config = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
        self.config_path = self.workdir / "organisation.yaml"
        self.config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        self.organisation = load_organisation(self.config_path)
        self.topics = TopicNames(self.prefix)
        self.ingest_port, self.api_port = free_port(), free_port()
        self.env = {
            "WEBCARE_KAFKA_BOOTSTRAP": self.bootstrap,
            "WEBCARE_TOPIC_PREFIX": self.prefix,
            "WEBCARE_ORGANISATION_CONFIG": str(self.config_path),
            "WEBCARE_STATE_DIR": str(self.workdir / "state"),
            "WEBCARE_DATABASE_URL": self.database_url,
            "WEBCARE_INGEST_PORT": str(self.ingest_port),
            "WEBCARE_HISTORY_PORT": str(self.api_port),
            "WEBCARE_ADMIN_KEY": ADMIN_KEY,
            "WEBCARE_NOTIFY_RETRY_BASE_S": "0.05",
            **{f"WEBCARE_{name.upper()}_METRICS_PORT": "0" for name in SERVICES},
            **self.extra_env,
        }

    @property
    def ingest_url(self) -> str:
        return f"http://127.0.0.1:{self.ingest_port}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def departments(self) -> list[str]:
        return list(self.organisation.department_slugs)

    def create_topics(self) -> None:
        ensure_topics(self.bootstrap, self.topics.all_for(self.departments), 3, 1)

    def start(self, name: str) -> None:
        log = self.workdir / f"{name}.log"
        self.processes[name] = ServiceProcess(name, self.env, log).start()
        if name == "ingest":
            wait_healthy(f"{self.ingest_url}/health", self.processes[name], timeout_s=120)
        if name == "history":
            wait_healthy(f"{self.api_url}/health", self.processes[name], timeout_s=120)

    def start_all(self) -> None:
        self.create_topics()
        for name in SERVICES:
            self.start(name)

    def kill(self, name: str) -> None:
        """kill -9: no shutdown hooks, no last commit, no flush."""
        process = self.processes[name].process
        assert process is not None
        process.send_signal(signal.SIGKILL)
        process.wait()

    def restart(self, name: str) -> None:
        self.kill(name)
        self.start(name)

    def revive_stalled(self) -> list[str]:
        """Restarts the services that exited 75 (a stalled partition), as `make run` does."""
        revived = []
        for name, service in list(self.processes.items()):
            process = service.process
            if process is not None and process.poll() == STALLED_EXIT_CODE:
                self.revived.append(name)
                self.start(name)
                revived.append(name)
        return revived

    def dead(self) -> dict[str, str]:
        """Services that exited on their own, with the end of their log."""
        self.revive_stalled()
        return {
            name: process.log_tail()
            for name, process in self.processes.items()
            if not process.alive()
        }

    def stop_all(self) -> dict[str, int]:
        return {name: process.stop() for name, process in self.processes.items()}

    def logs(self, lines: int = 8) -> str:
        return "\n".join(f"--- {n}\n{p.log_tail(lines)[-4000:]}" for n, p in self.processes.items())


@contextlib.contextmanager
def running_pipeline(
    bootstrap: str, prefix: str, workdir: Path, database_url: str, **extra_env: str
) -> Iterator[Pipeline]:
    pipeline = Pipeline(bootstrap, prefix, workdir, database_url, extra_env)
    try:
        pipeline.start_all()
        yield pipeline
    finally:
        pipeline.stop_all()


def end_offsets(bootstrap: str, topic: str) -> int:
    """How many records `topic` holds over all its partitions (the sum of its end offsets)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()


def wait_until(
    condition: Callable[[], bool],
    timeout_s: float,
    what: str,
    pipeline: Pipeline | None = None,
    interval_s: float = 0.5,
) -> None:
    """Polls `condition` until it holds; fails naming `what` (and dead services) when time is up."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        if pipeline is not None and pipeline.dead():
            raise AssertionError(f"while waiting for {what}, services died: {pipeline.dead()}")
        time.sleep(interval_s)
    extra = f"\n{pipeline.logs()}" if pipeline is not None else ""
    raise AssertionError(f"{what}: not within {timeout_s}s{extra}")
