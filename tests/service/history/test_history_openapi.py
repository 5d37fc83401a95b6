"""schemathesis against the live history API: whatever it sends, no answer is a server error.

One history process per database (module scope), with the real broker, a few
stored mentions, and a key made by `webcare keys create` that holds every
scope, so actions, administration and erasure are exercised too.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from services.common.kafka import ensure_topics
from services.common.topics import TopicNames
from services.history.database import make_engine
from tests.conftest import REPO, free_port
from tests.service.history.test_history_actions import SEED
from tests.support.kafka_reading import produce
from tests.support.processes import ServiceProcess, wait_healthy

pytestmark = pytest.mark.kafka


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def live_history(
    request: pytest.FixtureRequest, kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    tmp = tmp_path_factory.mktemp("openapi")
    prefix = f"t{uuid.uuid4().hex[:10]}"
    database = f"sqlite:///{tmp / 'history.db'}"
    admin = None
    name = f"history_openapi_{uuid.uuid4().hex[:8]}"
    if request.param == "postgresql":
        postgres_url: str = request.getfixturevalue("postgres_url")
        admin = make_engine(postgres_url).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        database = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    ensure_topics(kafka_bootstrap, TopicNames(prefix).pipeline(), 3, 1)
    port = free_port()
    env = {
        "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "WEBCARE_TOPIC_PREFIX": prefix,
        "WEBCARE_STATE_DIR": str(tmp / "state"),
        "WEBCARE_DATABASE_URL": database,
        "WEBCARE_HISTORY_PORT": str(port),
        "WEBCARE_HISTORY_METRICS_PORT": "0",
        "WEBCARE_HISTORY_ACTION_WAIT_S": "5",
    }
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.cli",
            "keys",
            "create",
            "fuzzer",
            "--department",
            "service",
            "--scope",
            "read",
            "--scope",
            "act",
            "--scope",
            "admin",
        ],
        env={**env, "PATH": str(Path(sys.executable).parent)},
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    token = created.stdout.split()[-1]
    for decision in SEED:
        produce(kafka_bootstrap, TopicNames(prefix).routed, decision.model_dump_json().encode())
    service = ServiceProcess("history", env, tmp / "history.log").start()
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health", service)
        yield f"http://127.0.0.1:{port}", token
        assert service.alive(), service.log_tail()
        assert "Traceback" not in service.log_path.read_text(), service.log_tail()
    finally:
        service.stop()
        if admin is not None:
            with admin.connect() as connection:
                connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
            admin.dispose()


def test_no_server_errors(live_history: tuple[str, str]) -> None:
    """Every operation of the published schema, positive and negative inputs alike."""
    url, token = live_history
    api_schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=15,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def call(case: schemathesis.Case) -> None:
                case.call_and_validate(
                    base_url=url,
                    headers={"Authorization": f"Bearer {token}"},
                    checks=[not_a_server_error],
                )

            try:
                call()
            except Unsatisfiable:
                # Nothing to get wrong (no parameters, no body): only positive cases exist.
                assert mode is GenerationMode.NEGATIVE, operation.label
