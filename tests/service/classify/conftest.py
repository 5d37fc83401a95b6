"""Runs the classify service as a process against the test broker, with its own models
folder and metrics port, and reads what it says on /metrics."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from schemas import Author, Mention
from services.classify.artifacts import ensure_current, metadata_of, promote, save
from services.classify.corpus import MODELS_DIR as CORPUS_MODELS
from services.common.kafka import ensure_topics
from services.common.topics import TopicNames
from tests.conftest import free_port
from tests.support.processes import REPO, ServiceProcess, wait_healthy
from tests.unit.factories import EXAMPLE_CONFIG, NOW


def raw_mention(external_id: str, text: str) -> Mention:
    return Mention(
        id=f"x:{external_id}",
        source="x",
        external_id=external_id,
        relationship_id=f"rel-{external_id}",
        thread_id=f"x:{external_id}",
        author=Author(id="u1", handle="anna"),
        text=text,
        created_at=NOW,
        ingested_at=NOW,
    )


class Classify:
    """A running classify process and what the test needs to talk to it."""

    def __init__(self, process: ServiceProcess, env: dict[str, str], metrics_port: int) -> None:
        self.process = process
        self.env = env
        self.metrics_port = metrics_port

    @property
    def pid(self) -> int:
        assert self.process.process is not None
        return self.process.process.pid

    def metric(self, name: str, **labels: str) -> float | None:
        """The value of one series on /metrics, or None when it is not there."""
        text = httpx.get(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5).text
        for line in text.splitlines():
            match = re.match(rf"^{name}(?:\{{(.*)\}})? (\S+)$", line)
            if match is None:
                continue
            found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1) or ""))
            if found == labels:
                return float(match.group(2))
        return None

    def wait_metric(
        self, name: str, check: Callable[[float], bool], timeout_s: float = 60, **labels: str
    ) -> float:
        deadline = time.monotonic() + timeout_s
        while True:
            value = self.metric(name, **labels)
            if value is not None and check(value):
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"{name}{labels} = {value}\n{self.process.log_tail()}")
            time.sleep(0.3)

    def cli(self, *args: str) -> str:
        """Runs `webcare ...` with the service's settings; returns its output."""
        done = subprocess.run(
            [sys.executable, "-m", "services.cli", *args],
            cwd=REPO,
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


@pytest.fixture(scope="session")
def models_with_shadow(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A models folder holding the corpus model (CURRENT) and a second version of it that
    never says `fundraising` (its threshold out of reach), so the two must disagree."""
    live = ensure_current()
    models = tmp_path_factory.mktemp("models")
    shutil.copytree(CORPUS_MODELS / live.version, models / live.version)
    promote(live.version, models)
    shadow_version = f"{live.version}-nofundraising"
    shadow = dataclasses.replace(
        live, version=shadow_version, thresholds={**live.thresholds, "fundraising": 1.01}
    )
    metadata = {**metadata_of(live.version), "version": shadow_version}
    save(shadow, metadata, models)
    return models, live.version, shadow_version


@pytest.fixture
def start_classify(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> Iterator[Callable[..., Classify]]:
    ensure_current()  # built before the process starts, so it only has to load it
    config = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    config_path = tmp_path / "organisation.yaml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    topics = TopicNames(topic_prefix)
    ensure_topics(kafka_bootstrap, topics.pipeline() + topics.changelogs(), 3, 1)
    started: list[ServiceProcess] = []

    def start(**extra: str) -> Classify:
        port = free_port()
        env = {
            "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
            "WEBCARE_TOPIC_PREFIX": topic_prefix,
            "WEBCARE_ORGANISATION_CONFIG": str(config_path),
            "WEBCARE_STATE_DIR": str(tmp_path / "state"),
            "WEBCARE_CLASSIFY_METRICS_PORT": str(port),
            **extra,
        }
        process = ServiceProcess("classify", env, tmp_path / "classify.log").start()
        started.append(process)
        wait_healthy(f"http://127.0.0.1:{port}/health", process)
        return Classify(process, env, port)

    yield start
    for process in started:
        code = process.stop()
        assert code == 0, process.log_tail()
