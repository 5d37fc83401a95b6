"""The chaos suite's own broker (own ports and data dir): stopping it disturbs no other test."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, free_port


@dataclass
class Broker:
    """deploy/kafka/start.sh and stop.sh on one data dir; `stop` then `start` restarts it."""

    env: dict[str, str]
    port: int

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        started = subprocess.run(
            ["bash", str(REPO / "deploy/kafka/start.sh")],
            env=self.env,
            capture_output=True,
            text=True,
        )
        if started.returncode != 0:
            pytest.fail(f"Kafka did not start:\n{started.stdout}\n{started.stderr}")

    def stop(self) -> None:
        subprocess.run(
            ["bash", str(REPO / "deploy/kafka/stop.sh")],
            env=self.env,
            capture_output=True,
            check=True,
        )


@pytest.fixture(scope="module")
def own_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "WEBCARE_KAFKA_BOOTSTRAP"}
    env.update(
        WEBCARE_KAFKA_PORT=str(port),
        WEBCARE_KAFKA_CONTROLLER_PORT=str(free_port()),
        WEBCARE_KAFKA_DATA_DIR=str(Path(tmp_path_factory.mktemp("chaos-kafka"))),
    )
    broker = Broker(env, port)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()
