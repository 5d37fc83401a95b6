"""docker-compose.yml and the Dockerfile, checked without a Docker engine.

`docker-compose config` (Debian's docker-compose, which needs no engine for it)
validates the file against the Compose schema and resolves anchors and
variables; the structure is then checked on its output. The Dockerfile is
checked by reading its instructions.
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import Any

import pytest
import yaml

from services.common.healthcheck import settings_of
from tests.conftest import REPO

SECRETS = {"POSTGRES_PASSWORD": "pg-secret", "GRAFANA_ADMIN_PASSWORD": "grafana-secret"}
INFRASTRUCTURE = {"kafka", "postgres", "prometheus", "grafana", "topics"}


def run_services() -> list[str]:
    """The services `make run` starts, read from deploy/run.sh."""
    match = re.search(r"^services=\(([^)]*)\)", (REPO / "deploy/run.sh").read_text(), re.M)
    assert match, "deploy/run.sh no longer lists its services"
    return match.group(1).split()


def compose_config(ops_tools: dict[str, str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in SECRETS and not k.startswith("WEBCARE")
    }
    return subprocess.run(
        [ops_tools["docker-compose"], "--project-directory", str(REPO), "config"],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def compose(ops_tools: dict[str, str]) -> dict[str, Any]:
    resolved = compose_config(ops_tools, SECRETS)
    assert resolved.returncode == 0, resolved.stderr
    config: dict[str, Any] = yaml.safe_load(resolved.stdout)
    return config


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_compose_refuses_to_start_without_a_secret(ops_tools: dict[str, str], secret: str) -> None:
    refused = compose_config(ops_tools, {k: v for k, v in SECRETS.items() if k != secret})
    assert refused.returncode != 0
    assert secret in refused.stderr


def test_compose_runs_every_service_like_make_run(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == INFRASTRUCTURE | set(run_services())
    for name in run_services():
        service = services[name]
        assert service["command"] == ["python", "-m", f"services.{name}"]
        assert service["build"]["context"] == str(REPO)  # one image from ./Dockerfile
        assert service["image"] == services["topics"]["image"]
        assert service["depends_on"]["topics"] == {"condition": "service_completed_successfully"}
        assert service["healthcheck"]["test"] == [
            "CMD",
            "python",
            "-m",
            "services.common.healthcheck",
            name,
        ]
        assert service["environment"]["WEBCARE_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert services["topics"]["command"] == ["webcare", "topics", "create"]
    assert services["topics"]["restart"] == "no"
    assert services["topics"]["depends_on"] == {"kafka": {"condition": "service_healthy"}}
    assert services["history"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    url = services["history"]["environment"]["WEBCARE_DATABASE_URL"]
    assert url == "postgresql://webcare:pg-secret@postgres:5432/webcare"


def test_compose_dependencies_wait_for_health(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        if name != "topics":
            assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
        for dependency, how in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            assert how["condition"] in {
                "service_started",
                "service_healthy",
                "service_completed_successfully",
            }
            if how["condition"] == "service_healthy":
                assert services[dependency]["healthcheck"]["test"]


def mounts(compose: dict[str, Any], name: str) -> dict[str, str]:
    """target -> source of a service's volumes, whichever syntax the resolver printed."""
    found = {}
    for volume in compose["services"][name].get("volumes", []):
        if isinstance(volume, dict):
            found[volume["target"]] = volume["source"]
        else:
            source, target = volume.split(":")[:2]
            found[target] = source
    return found


def test_compose_keeps_data_in_named_volumes(compose: dict[str, Any]) -> None:
    named = set(compose["volumes"])
    for name, target in [
        ("kafka", "/var/lib/kafka/data"),
        ("postgres", "/var/lib/postgresql/data"),
        ("prometheus", "/prometheus"),
        ("grafana", "/var/lib/grafana"),
    ]:
        assert mounts(compose, name).get(target) in named, f"{name}: {target} not on a volume"


def test_compose_kafka_is_kraft_on_the_version_of_the_local_broker(compose: dict) -> None:
    kafka = compose["services"]["kafka"]
    pom = (REPO / "deploy/kafka/pom.xml").read_text(encoding="utf-8")
    version = re.search(r"<kafka.version>([^<]+)</kafka.version>", pom)
    assert version
    assert kafka["image"] == f"apache/kafka:{version.group(1)}"
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"]
    assert kafka["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def test_compose_prometheus_and_grafana_use_the_repository_files(compose: dict) -> None:
    assert mounts(compose, "prometheus")["/etc/prometheus"] == str(REPO / "deploy/prometheus")
    grafana = mounts(compose, "grafana")
    assert grafana["/etc/grafana/provisioning"] == str(REPO / "deploy/grafana/provisioning")
    provider = yaml.safe_load(
        (REPO / "deploy/grafana/provisioning/dashboards/webcare.yml").read_text(encoding="utf-8")
    )["providers"][0]
    assert grafana[provider["options"]["path"]] == str(REPO / "deploy/grafana/dashboards")
    datasource = yaml.safe_load(
        (REPO / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text()
    )["datasources"][0]
    assert datasource["url"] == "http://prometheus:9090"
    assert "9090:9090" in str(compose["services"]["prometheus"]["ports"]) or any(
        p.get("target") == 9090 for p in compose["services"]["prometheus"]["ports"]
    )


def test_compose_images_are_pinned(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if "build" in service:
            continue
        image = service["image"]
        assert re.search(r":v?\d+\.\d+", image), f"{name}: {image} is not pinned to a release"


def test_compose_sets_only_settings_that_exist(compose: dict[str, Any]) -> None:
    known = set()
    for name in run_services():
        settings = type(settings_of(name))
        for field, info in settings.model_fields.items():
            alias = info.validation_alias
            known.add(alias if isinstance(alias, str) else f"WEBCARE_{field.upper()}")
    for name in [*run_services(), "topics"]:
        env = compose["services"][name]["environment"]
        unknown = {key for key in env if key.startswith("WEBCARE_")} - known
        assert not unknown, f"{name}: {unknown}"


# --- Dockerfile -------------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (parts[0].upper(), parts[1] if len(parts) > 1 else "")
        for line in joined.splitlines()
        if (parts := line.strip().split(None, 1))
    ]


def test_dockerfile_base_is_a_pinned_slim_python_311() -> None:
    bases = [args for op, args in dockerfile() if op == "FROM"]
    assert len(bases) == 1
    assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?(@sha256:[0-9a-f]{64})?", bases[0])


def test_dockerfile_runs_as_a_non_root_user_with_a_healthcheck() -> None:
    instructions = dockerfile()
    users = [args for op, args in instructions if op == "USER"]
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}
    ops = [op for op, _ in instructions]
    assert ops.index("USER") > max(i for i, op in enumerate(ops) if op == "RUN")
    [health] = [args for op, args in instructions if op == "HEALTHCHECK"]
    assert '"services.common.healthcheck"' in health
    assert (REPO / "services/common/healthcheck.py").exists()


def test_dockerfile_copies_only_repository_files_and_installs_pinned() -> None:
    instructions = dockerfile()
    assert not [args for op, args in instructions if op == "ADD"], "use COPY, never ADD"
    for op, args in instructions:
        if op == "COPY":
            *sources, _target = args.split()
            for source in sources:
                assert (REPO / source).exists(), source
    installs = [args for op, args in instructions if op == "RUN" and "pip install" in args]
    assert installs
    assert all("-c constraints.txt" in args for args in installs)
    [command] = [args for op, args in instructions if op == "CMD"]
    assert command == '["python", "-m", "services.ingest"]'


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", ".state", "tests"} <= set(ignored)
    assert "deploy/config" not in ignored  # the image carries the example organisation
