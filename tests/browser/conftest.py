"""A real stack for the inbox in a real browser: every service as a process on the real broker
and PostgreSQL, people made with `webcare people add`, and headless Chromium from Debian.

Screenshots of every main page go to `test-artifacts/inbox/` (ignored by git); set
WEBCARE_SCREENSHOTS to another folder to keep them elsewhere (docs/screenshots is made so).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

from services.common.kafka import ensure_topics
from services.common.organisation import load_organisation
from services.common.topics import TopicNames
from tests.conftest import free_port
from tests.support.databases import throwaway_database
from tests.support.processes import REPO, ServiceProcess, wait_healthy
from tests.unit.factories import EXAMPLE_CONFIG

SERVICES = ["ingest", "classify", "route", "notify", "history"]
CHROMIUM = os.environ.get("WEBCARE_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("WEBCARE_CHROMEDRIVER", "/usr/bin/chromedriver")
PASSWORD = "a long enough password"
SCREENSHOTS = Path(os.environ.get("WEBCARE_SCREENSHOTS", REPO / "test-artifacts" / "inbox"))


@pytest.fixture
def database_url(postgres_url: str) -> Iterator[str]:
    with throwaway_database(postgres_url, "inbox") as url:
        yield url


@pytest.fixture
def stack(
    kafka_bootstrap: str, topic_prefix: str, database_url: str, tmp_path: Path
) -> Iterator[dict[str, Any]]:
    config = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    config["routing"].pop("working_hours", None)  # the SLA does not depend on the day
    config_path = tmp_path / "organisation.yaml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    org = load_organisation(config_path)
    ensure_topics(kafka_bootstrap, TopicNames(topic_prefix).all_for(org.department_slugs), 3, 1)
    ingest_port, api_port = free_port(), free_port()
    env = {
        "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "WEBCARE_TOPIC_PREFIX": topic_prefix,
        "WEBCARE_ORGANISATION_CONFIG": str(config_path),
        "WEBCARE_STATE_DIR": str(tmp_path / "state"),
        "WEBCARE_DATABASE_URL": database_url,
        "WEBCARE_INGEST_PORT": str(ingest_port),
        "WEBCARE_HISTORY_PORT": str(api_port),
        "WEBCARE_PUBLIC_URL": f"http://127.0.0.1:{api_port}",
        "WEBCARE_ADMIN_KEY": "browser-admin-key",
        "WEBCARE_NOTIFY_RETRY_BASE_S": "0.05",
        "WEBCARE_HISTORY_STREAM_HEARTBEAT_S": "2",
        **{f"WEBCARE_{name.upper()}_METRICS_PORT": "0" for name in SERVICES},
    }
    processes = {
        name: ServiceProcess(name, env, tmp_path / f"{name}.log").start() for name in SERVICES
    }
    try:
        wait_healthy(f"http://127.0.0.1:{ingest_port}/health", processes["ingest"])
        wait_healthy(f"http://127.0.0.1:{api_port}/health", processes["history"])
        yield {
            "ingest": f"http://127.0.0.1:{ingest_port}",
            "inbox": f"http://127.0.0.1:{api_port}",
            "env": env,
            "logs": lambda: {name: p.log_tail() for name, p in processes.items()},
        }
    finally:
        codes = {name: process.stop() for name, process in processes.items()}
        logs = {name: process.log_tail() for name, process in processes.items()}
    assert codes == dict.fromkeys(SERVICES, 0), f"unclean shutdown {codes}\n{logs}"


def add_person(env: dict[str, str], username: str, *options: str) -> str:
    """`webcare people add`, as an administrator would run it, the password on stdin."""
    done = subprocess.run(
        [sys.executable, "-m", "services.cli", "people", "add", username, *options],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def chromium() -> Iterator[Callable[..., webdriver.Chrome]]:
    """Starts headless Chromium browsers (one per person); fails, never skips, without one."""
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.fail(f"need Debian's chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER})")
    drivers: list[webdriver.Chrome] = []

    def start(width: int = 1280, height: int = 900) -> webdriver.Chrome:
        options = Options()
        options.binary_location = CHROMIUM
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            f"--window-size={width},{height}",
            "--lang=en",
        ):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        driver.set_page_load_timeout(60)
        # Chromium's windows are at least 500 px wide: a phone's viewport is emulated instead.
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        drivers.append(driver)
        return driver

    yield start
    for driver in drivers:
        driver.quit()


def screenshot(driver: webdriver.Chrome, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def diagnosis(driver: webdriver.Chrome, stack: dict[str, Any]) -> str:
    """What a failed wait needs said: the page, the browser's console and the services' logs."""
    console = "\n".join(str(entry) for entry in driver.get_log("browser")[-30:])
    logs = "\n".join(f"--- {name}\n{tail[-1500:]}" for name, tail in stack["logs"]().items())
    page = driver.page_source[-3000:]
    return f"url {driver.current_url}\nconsole:\n{console}\npage:\n{page}\n{logs}"
