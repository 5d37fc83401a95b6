"""What the end-to-end benchmarks share: a throwaway broker, the services as processes, mentions.

Not a benchmark itself: `bench/pipeline.py` and `bench/kafka_limit.py` import it.
The broker is `deploy/kafka/start.sh` on free ports in a temporary data dir (as
the tests start it), unless WEBCARE_KAFKA_BOOTSTRAP points at a running one.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SERVICES = ("ingest", "classify", "route", "notify", "history")
ORGANISATION = REPO / "deploy" / "config" / "organisation.yaml"

# Varied on purpose: different topics, languages and lengths, so classify and route
# do their real work (fan-out to one, two or three departments, the triage default).
TEXTS = (
    "Ik ben boos: twee keer afgeschreven voor mijn donatie aan @openhart!",
    "Hoe word ik vrijwilliger bij jullie? Ik heb op zaterdag tijd.",
    "Great work at the food bank today, thank you @openhart",
    "Je voudrais faire un don pour le projet de devoirs.",
    "Is de vacature voor coördinator fondsenwerving nog open? Ik wil graag solliciteren.",
    "Ik ben journalist bij de regionale krant, kan ik iemand spreken over jullie programma?",
    "Al drie weken geen antwoord op mijn klacht over de collecte aan de deur. Slecht!",
    "Mooi project voor huiswerkbegeleiding, mijn kinderen doen mee. Bedankt!",
)


def report(line: str = "") -> None:
    """One line on stdout: the numbers are the script's output."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mention(run: str, n: int) -> dict[str, object]:
    """The n-th mention of a run as the webhook takes it; ids are unique per run."""
    return {
        "source": "bench",
        "external_id": f"{run}-{n}",
        "author": {"id": str(n % 997), "handle": f"user{n % 997}"},
        "text": TEXTS[n % len(TEXTS)],
        "created_at": "2026-11-20T09:15:00Z",
        "lang": "nl",
    }


@contextmanager
def broker(state: Path) -> Iterator[str]:
    """A bootstrap address: WEBCARE_KAFKA_BOOTSTRAP, or a fresh broker stopped afterwards."""
    existing = os.environ.get("WEBCARE_KAFKA_BOOTSTRAP")
    if existing:
        yield existing
        return
    port = free_port()
    env = {
        **os.environ,
        "WEBCARE_KAFKA_PORT": str(port),
        "WEBCARE_KAFKA_CONTROLLER_PORT": str(free_port()),
        "WEBCARE_KAFKA_DATA_DIR": str(state / "kafka"),
    }
    started = subprocess.run(
        ["bash", str(REPO / "deploy/kafka/start.sh")], env=env, capture_output=True, text=True
    )
    if started.returncode != 0:
        raise SystemExit(f"Kafka did not start:\n{started.stdout}\n{started.stderr}")
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run(
            ["bash", str(REPO / "deploy/kafka/stop.sh")], env=env, check=False, capture_output=True
        )


def broker_pid(state: Path) -> int | None:
    """The throwaway broker's pid (for its CPU and memory), None for an external one."""
    pid_file = state / "kafka" / "kafka.pid"
    if os.environ.get("WEBCARE_KAFKA_BOOTSTRAP") or not pid_file.exists():
        return None
    return int(pid_file.read_text().strip() or 0) or None


@dataclass
class Pipeline:
    """The five services as processes on one topic prefix, the way `make run` starts them."""

    bootstrap: str
    prefix: str
    state: Path
    database_url: str
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    ingest_url: str = ""
    api_url: str = ""

    def start(self) -> Pipeline:
        ingest_port, api_port = free_port(), free_port()
        env = {
            **os.environ,
            "WEBCARE_KAFKA_BOOTSTRAP": self.bootstrap,
            "WEBCARE_TOPIC_PREFIX": self.prefix,
            "WEBCARE_ORGANISATION_CONFIG": str(ORGANISATION),
            "WEBCARE_STATE_DIR": str(self.state / "services"),
            "WEBCARE_DATABASE_URL": self.database_url,
            "WEBCARE_INGEST_PORT": str(ingest_port),
            "WEBCARE_HISTORY_PORT": str(api_port),
            "WEBCARE_ADMIN_KEY": "bench-admin-key",
            # a benchmark measures throughput, not the abuse limits: they are off here
            "WEBCARE_INGEST_RATE_PER_ADDRESS": "0",
            "WEBCARE_INGEST_RATE_PER_SOURCE": "0",
            "WEBCARE_HISTORY_RATE_PER_ADDRESS": "0",
            "WEBCARE_HISTORY_RATE_PER_KEY": "0",
            "WEBCARE_LOG_LEVEL": "WARNING",
            **{f"WEBCARE_{name.upper()}_METRICS_PORT": "0" for name in SERVICES},
            **self.extra_env,
        }
        for name in SERVICES:
            log = (self.state / f"{name}.log").open("ab")
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", f"services.{name}"],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            log.close()
        self.ingest_url = f"http://127.0.0.1:{ingest_port}"
        self.api_url = f"http://127.0.0.1:{api_port}"
        self._wait_healthy(f"{self.ingest_url}/health", "ingest")
        self._wait_healthy(f"{self.api_url}/health", "history")
        return self

    def _wait_healthy(self, url: str, name: str, timeout_s: float = 120.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                if httpx.get(url, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"{name} not healthy at {url}; see {self.state / (name + '.log')}")

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                tail = (self.state / f"{name}.log").read_text(errors="replace")[-3000:]
                raise SystemExit(f"{name} exited with {process.returncode}:\n{tail}")

    def stop(self) -> dict[str, int]:
        """SIGTERM every service, then wait; a service that hangs is killed (-9)."""
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        codes = {}
        for name, process in self.processes.items():
            try:
                codes[name] = process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                codes[name] = process.wait()
        return codes
