"""Renders docs/configuration.md: every `WEBCARE_*` setting, from the settings classes.

Run `python -m services.common.settings_doc` (or `make docs`) to rewrite the file;
`--check` exits 1 when the committed file differs. The pydantic-settings classes
are the source: name, type, default and `description=` of every field, grouped by
service. Variables read outside pydantic (the shell scripts, the tests) are kept
by hand in `OUTSIDE_PYDANTIC` below and rendered after them.
"""

from __future__ import annotations

import sys
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import AliasChoices, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

from services.classify.settings import ClassifySettings
from services.common.settings import REPO_ROOT, CommonSettings
from services.history.settings import HistorySettings
from services.ingest.settings import IngestSettings
from services.notify.settings import NotifySettings
from services.publish.settings import PublishSettings
from services.route.settings import RouteSettings

DOC = REPO_ROOT / "docs" / "configuration.md"

# (heading, class): the common settings first, then each service's own fields.
SECTIONS: tuple[tuple[str, type[BaseSettings]], ...] = (
    ("Every service", CommonSettings),
    ("ingest", IngestSettings),
    ("classify", ClassifySettings),
    ("route", RouteSettings),
    ("notify", NotifySettings),
    ("history", HistorySettings),
    ("publish", PublishSettings),
)


@dataclass(frozen=True)
class ShellSetting:
    """A variable read outside pydantic: by a script, the health check, or the tests."""

    name: str
    default: str
    read_by: str
    description: str


OUTSIDE_PYDANTIC: tuple[ShellSetting, ...] = (
    ShellSetting(
        "WEBCARE_KAFKA_BOOTSTRAP",
        "unset",
        "`deploy/run.sh`, `deploy/stop.sh`, `deploy/kafka/*.sh`, tests, benchmarks",
        "Set: use that cluster and start no broker. Unset: `make run` starts one on"
        " 127.0.0.1:`WEBCARE_KAFKA_PORT`, and the tests and benchmarks start their own.",
    ),
    ShellSetting(
        "WEBCARE_KAFKA_PORT", "9092", "`deploy/kafka/*.sh`", "Client port of the local broker."
    ),
    ShellSetting(
        "WEBCARE_KAFKA_CONTROLLER_PORT",
        "9093",
        "`deploy/kafka/*.sh`",
        "KRaft controller port of the local broker.",
    ),
    ShellSetting(
        "WEBCARE_KAFKA_DATA_DIR",
        "`$WEBCARE_STATE_DIR/kafka`",
        "`deploy/kafka/*.sh`",
        "Configuration, pid, logs and data of the local broker; delete it for an empty cluster.",
    ),
    ShellSetting(
        "WEBCARE_KAFKA_HEAP", "`-Xmx512m -Xms256m`", "`deploy/kafka/start.sh`", "Broker JVM heap."
    ),
    ShellSetting(
        "WEBCARE_KAFKA_JVM_OPTS", "empty", "`deploy/kafka/start.sh`", "Extra broker JVM options."
    ),
    ShellSetting(
        "WEBCARE_KAFKA_START_TIMEOUT",
        "90",
        "`deploy/kafka/start.sh`",
        "Seconds to wait for the broker to answer.",
    ),
    ShellSetting(
        "WEBCARE_KAFKA_STOP_TIMEOUT",
        "30",
        "`deploy/kafka/stop.sh`",
        "Seconds between SIGTERM and SIGKILL of the broker.",
    ),
    ShellSetting(
        "WEBCARE_CACHE_DIR",
        "`~/.cache/webcare`",
        "`deploy/kafka/*.sh`, `bench/kafka_limit.py`",
        "Where the checksum-verified Kafka jars are cached.",
    ),
    ShellSetting(
        "WEBCARE_MVN", "`mvn`", "`deploy/kafka/fetch.sh`", "The Maven command that fetches them."
    ),
    ShellSetting(
        "WEBCARE_DEMO",
        "0",
        "`deploy/run.sh`",
        "1: after starting, replay `deploy/demo/mentions.jsonl` (what `make demo` sets).",
    ),
    ShellSetting(
        "WEBCARE_STOP_GRACE_S",
        "20",
        "`deploy/stop.sh`",
        "Seconds `make stop` waits after SIGTERM before it SIGKILLs a service.",
    ),
    ShellSetting(
        "WEBCARE_SERVICE",
        "from PID 1's command line",
        "`python -m services.common.healthcheck`",
        "Which service the container health check asks, when no argument names it.",
    ),
    ShellSetting(
        "WEBCARE_TEST_DATABASE_URL",
        "unset: a throwaway PostgreSQL",
        "`tests/conftest.py`, `deploy/postgres/ensure.sh`",
        "An existing PostgreSQL for the tests.",
    ),
    ShellSetting(
        "WEBCARE_CHAOS_MENTIONS",
        "10000",
        "`tests/chaos/`",
        "Mentions the crash suite feeds; 1000 makes a quicker local run.",
    ),
    ShellSetting(
        "WEBCARE_CHROMIUM",
        "/usr/bin/chromium",
        "`tests/browser`",
        "The Chromium the inbox's browser tests start (Debian's `chromium`).",
    ),
    ShellSetting(
        "WEBCARE_CHROMEDRIVER",
        "/usr/bin/chromedriver",
        "`tests/browser`",
        "The driver Selenium starts it with (Debian's `chromium-driver`).",
    ),
    ShellSetting(
        "WEBCARE_SCREENSHOTS",
        "`test-artifacts/inbox`",
        "`tests/browser`",
        "Where the browser tests save screenshots of every main page.",
    ),
)

HEADER = """\
# Configuration

<!-- Generated by `make docs` (python -m services.common.settings_doc) from the settings
classes' description= fields; tests/unit/test_settings_doc.py fails when it is stale.
Edit the classes, not this file. -->

Every process is configured by environment variables with the prefix `WEBCARE_`, read by
pydantic-settings (`services/common/settings.py` and `services/<name>/settings.py`). All of
them are optional. A bad value stops the process at start with pydantic's validation error,
which names the setting (`WEBCARE_INGEST_PORT`, or the field, `topic_partitions`, for the
common ones). `make run` starts every service in one environment, so a variable set there
reaches every service that reads it.

The organisation's policy (departments, topics, SLAs, routing) is not here: it is one YAML
file, `WEBCARE_ORGANISATION_CONFIG`, described in [organisation.md](organisation.md).
Secrets that file refers to (`secret_env`, `access_token_env`) are environment variables
with names you choose.
"""

SHELL_HEADER = """\
## Read outside the services

Read by the scripts under `deploy/`, the container health check or the tests, not by
pydantic-settings; kept by hand in `OUTSIDE_PYDANTIC` in `services/common/settings_doc.py`.

| variable | default | read by | meaning |
|---|---|---|---|
"""


def env_names(name: str, field: FieldInfo) -> list[str]:
    """The variable a field reads, then its older names (AliasChoices) that still work."""
    alias = field.validation_alias
    if isinstance(alias, str):
        return [alias]
    if isinstance(alias, AliasChoices):
        return [choice for choice in alias.choices if isinstance(choice, str)]
    return [f"WEBCARE_{name.upper()}"]


def env_name(name: str, field: FieldInfo) -> str:
    return env_names(name, field)[0]


def type_name(annotation: Any) -> str:
    """`int`, `float`, `str`, `path`, `secret`: what a reader types into the variable."""
    if annotation is SecretStr:
        return "secret"
    if annotation is Path:
        return "path"
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        # `X | None` is an optional X: the default column says "unset".
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return " | ".join(type_name(arg) for arg in args)
    return getattr(annotation, "__name__", str(annotation))


def bounds(field: FieldInfo) -> str:
    """The numeric limits pydantic enforces, e.g. `0 ≤ x ≤ 65535`."""
    low = high = ""
    for rule in field.metadata:
        if isinstance(rule, Ge):
            low = f"{rule.ge} ≤ "
        elif isinstance(rule, Gt):
            low = f"{rule.gt} < "
        elif isinstance(rule, Le):
            high = f" ≤ {rule.le}"
        elif isinstance(rule, Lt):
            high = f" < {rule.lt}"
    return f"{low}x{high}" if low or high else ""


def default_text(value: Any) -> str:
    """The default as the variable would hold it; paths relative to the repository."""
    if value is None:
        return "unset"
    if value == "":
        return "empty"
    if isinstance(value, Path):
        shown = value.relative_to(REPO_ROOT) if value.is_relative_to(REPO_ROOT) else value
        return f"`{shown}`"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"`{value}`" if isinstance(value, str) else str(value)


def cell(text: str) -> str:
    """Text that is safe in one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def missing_descriptions() -> list[str]:
    """Variables whose field has no description: the doc can't say what they mean."""
    return [
        env_name(name, field)
        for _, cls in SECTIONS
        for name, field in own_fields(cls).items()
        if not (field.description or "").strip()
    ]


def own_fields(cls: type[BaseSettings]) -> dict[str, FieldInfo]:
    """The fields a class adds to CommonSettings (all of them for CommonSettings itself)."""
    inherited = set() if cls is CommonSettings else set(CommonSettings.model_fields)
    return {n: f for n, f in cls.model_fields.items() if n not in inherited}


def render() -> str:
    missing = missing_descriptions()
    if missing:
        raise ValueError(f"settings without description=: {', '.join(missing)}")
    parts = [HEADER]
    for heading, cls in SECTIONS:
        module = cls.__module__.replace(".", "/") + ".py"
        parts.append(f"\n## {heading}\n\n`{cls.__name__}` in `{module}`.\n\n")
        parts.append("| variable | type | default | meaning |\n|---|---|---|---|\n")
        for name, field in own_fields(cls).items():
            kind = type_name(field.annotation)
            limit = bounds(field)
            kind = f"{kind}, {limit}" if limit else kind
            parts.append(
                f"| `{env_name(name, field)}` | {cell(kind)} | {cell(default_text(field.default))}"
                f" | {cell(field.description or '')} |\n"
            )
    parts.append("\n" + SHELL_HEADER)
    for item in OUTSIDE_PYDANTIC:
        parts.append(
            f"| `{item.name}` | {cell(item.default)} | {cell(item.read_by)}"
            f" | {cell(item.description)} |\n"
        )
    return "".join(parts)


def documented_names() -> set[str]:
    """Every variable the rendered doc names, from the classes and the hand-kept list."""
    names = {
        env for _, cls in SECTIONS for n, f in own_fields(cls).items() for env in env_names(n, f)
    }
    return names | {item.name for item in OUTSIDE_PYDANTIC}


def main(argv: list[str]) -> int:
    text = render()
    if argv[:1] == ["--check"]:
        if DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is stale: run `make docs`", file=sys.stderr)  # noqa: T201
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
