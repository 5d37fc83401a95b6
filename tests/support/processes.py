"""Runs webcare services as real processes, the way `make run` does, for integration tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from services.common.lag import STALLED_EXIT_CODE

REPO = Path(__file__).resolve().parents[2]


@dataclass
class ServiceProcess:
    """One service as a child process. With `supervise`, a process that exits 75 (a stalled
    partition, see services/common/lag.py) is started again, as `make run` and the containers'
    restart policy do; `revivals` counts those restarts."""

    name: str
    env: Mapping[str, str]
    log_path: Path
    supervise: bool = False
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    revivals: int = field(default=0, init=False)
    _stopping: threading.Event = field(default_factory=threading.Event, init=False)
    _supervisor: threading.Thread | None = field(default=None, init=False)

    def start(self) -> ServiceProcess:
        self._spawn()
        if self.supervise and self._supervisor is None:
            self._supervisor = threading.Thread(target=self._revive_stalled, daemon=True)
            self._supervisor.start()
        return self

    def _spawn(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", f"services.{self.name}"],
            cwd=REPO,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def _revive_stalled(self) -> None:
        while not self._stopping.wait(0.5):
            process = self.process
            if process is not None and process.poll() == STALLED_EXIT_CODE:
                self.revivals += 1
                self._spawn()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def kill(self) -> int:
        """SIGKILL: no shutdown, no flush, no last commit; nothing revives it."""
        assert self.process is not None
        self._stopping.set()
        self.process.kill()
        return self.process.wait()

    def stop(self, timeout_s: float = 30.0) -> int:
        """SIGTERM and wait: a clean shutdown exits on its own, else it is killed."""
        assert self.process is not None
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return -9
        return self.process.returncode


def wait_healthy(url: str, service: ServiceProcess, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not service.alive():
            raise AssertionError(f"{service.name} exited:\n{service.log_tail()}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{service.name} not healthy at {url}:\n{service.log_tail()}")
