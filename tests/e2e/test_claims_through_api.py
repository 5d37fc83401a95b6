"""End to end: claims, SLA expiry and escalation driven through the history API, with all
five services as processes on the real broker, on SQLite and on PostgreSQL.

A complaint is POSTed to ingest; a department claims it through the API, a second
department's claim is refused naming the holder; route's clock (a file it reads,
`WEBCARE_ROUTE_CLOCK_FILE`) moves past the SLA deadline without a reply, so the claim
expires and the mention goes up the escalation path onto the next department's topic;
a reply through the API closes the loop and the KPIs count it as answered late.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from schemas import DepartmentDelivery
from services.common.kafka import ensure_topics
from services.common.organisation import load_organisation
from services.common.topics import TopicNames
from tests.conftest import free_port
from tests.support.databases import throwaway_database
from tests.support.kafka_reading import read_topic
from tests.support.processes import ServiceProcess, wait_healthy
from tests.unit.factories import EXAMPLE_CONFIG

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]

SERVICES = ["ingest", "classify", "route", "notify", "history"]
ADMIN_KEY = "e2e-admin-key"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of this test's own, so the KPIs count only what this test did."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.db'}"
        return
    server = str(request.getfixturevalue("postgres_url"))
    with throwaway_database(server, "e2e_claims") as url:
        yield url


@pytest.fixture
def pipeline(
    kafka_bootstrap: str, topic_prefix: str, database_url: str, tmp_path: Path
) -> Iterator[dict[str, Any]]:
    config = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    # Around the clock: the SLA deadline does not depend on the day the test runs.
    config["routing"].pop("working_hours", None)
    config_path = tmp_path / "organisation.yaml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    org = load_organisation(config_path)
    topics = TopicNames(topic_prefix)
    ensure_topics(kafka_bootstrap, topics.all_for(org.department_slugs), 3, 1)

    clock_file = tmp_path / "route-clock"
    clock_file.write_text(datetime.now(UTC).isoformat(), encoding="utf-8")
    ingest_port, api_port, route_metrics = free_port(), free_port(), free_port()
    env = {
        "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "WEBCARE_TOPIC_PREFIX": topic_prefix,
        "WEBCARE_ORGANISATION_CONFIG": str(config_path),
        "WEBCARE_STATE_DIR": str(tmp_path / "state"),
        "WEBCARE_DATABASE_URL": database_url,
        "WEBCARE_INGEST_PORT": str(ingest_port),
        "WEBCARE_HISTORY_PORT": str(api_port),
        "WEBCARE_ADMIN_KEY": ADMIN_KEY,
        "WEBCARE_NOTIFY_RETRY_BASE_S": "0.05",
        "WEBCARE_ROUTE_CLOCK_FILE": str(clock_file),
        "WEBCARE_ROUTE_TICK_S": "0.2",
        **{f"WEBCARE_{name.upper()}_METRICS_PORT": "0" for name in SERVICES},
        "WEBCARE_ROUTE_METRICS_PORT": str(route_metrics),
    }
    processes = {
        name: ServiceProcess(name, env, tmp_path / f"{name}.log").start() for name in SERVICES
    }
    try:
        wait_healthy(f"http://127.0.0.1:{ingest_port}/health", processes["ingest"])
        wait_healthy(f"http://127.0.0.1:{api_port}/health", processes["history"])
        yield {
            "ingest": f"http://127.0.0.1:{ingest_port}",
            "api": f"http://127.0.0.1:{api_port}",
            "route_metrics": f"http://127.0.0.1:{route_metrics}/metrics",
            "bootstrap": kafka_bootstrap,
            "topics": topics,
            "org": org,
            "clock_file": clock_file,
            "logs": lambda: {name: p.log_tail() for name, p in processes.items()},
        }
    finally:
        codes = {name: process.stop() for name, process in processes.items()}
        logs = {name: process.log_tail() for name, process in processes.items()}
    assert codes == dict.fromkeys(SERVICES, 0), f"unclean shutdown {codes}\n{logs}"


def poll(
    fetch: Callable[[], Any], ready: Callable[[Any], bool], what: str, timeout_s: float = 60.0
) -> Any:
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < deadline:
        last = fetch()
        if last is not None and ready(last):
            return last
        time.sleep(0.3)
    raise AssertionError(f"{what} not seen in {timeout_s}s; last {last}")


def get_json(url: str, headers: dict[str, str], params: dict[str, str] | None = None) -> Any:
    answer = httpx.get(url, headers=headers, params=params, timeout=10)
    return answer.json() if answer.status_code == 200 else None


def unclaimed(metrics_url: str, department: str) -> float | None:
    """Route's gauge of open mentions nobody claimed: how the test knows route saw a claim."""
    try:
        text = httpx.get(metrics_url, timeout=5).text
    except httpx.HTTPError:
        return None
    prefix = f'webcare_unclaimed_mentions{{department="{department}"}} '
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line[len(prefix) :])
    return None


def department_key(api: str, name: str, department: str) -> dict[str, str]:
    answer = httpx.post(
        f"{api}/v1/keys",
        headers=ADMIN,
        json={
            "name": name,
            "kind": "department",
            "department": department,
            "scopes": ["read", "act"],
        },
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def deliveries(values: list[bytes], mention_id: str, kind: str) -> list[DepartmentDelivery]:
    found = [DepartmentDelivery.model_validate_json(v) for v in values]
    return [d for d in found if d.mention.id == mention_id and d.kind == kind]


def test_claim_conflict_expiry_escalation_and_late_reply(pipeline: dict[str, Any]) -> None:
    api, topics, bootstrap = pipeline["api"], pipeline["topics"], pipeline["bootstrap"]
    created = (datetime.now(UTC) - timedelta(minutes=1)).replace(microsecond=0)
    external_id = str(1_800_000_000_000_000_000 + uuid.uuid4().int % 10**12)
    mention_id = f"x:{external_id}"
    complaint = {
        "source": "x",
        "external_id": external_id,
        "author": {"id": "77", "handle": "boze_bea", "display_name": "Bea", "followers": 310},
        "text": "Ik ben boos: twee keer afgeschreven voor mijn donatie aan @openhart!",
        "created_at": created.isoformat().replace("+00:00", "Z"),
        "lang": "nl",
    }
    answer = httpx.post(f"{pipeline['ingest']}/v1/mentions", json=complaint, timeout=30)
    assert answer.status_code == 202, answer.text
    assert answer.json()["ids"] == [mention_id]

    # routed to the complaint departments, with an SLA deadline
    record = poll(
        lambda: get_json(f"{api}/v1/mentions/{mention_id}", ADMIN),
        lambda body: body.get("sla_deadline") is not None and len(body["departments"]) >= 2,
        "the routed mention in history",
        90,
    )
    routed_to = {d["department"] for d in record["departments"]}
    assert {"service", "communicatie"} <= routed_to
    assert "complaints" in record["topics"]
    deadline = datetime.fromisoformat(record["sla_deadline"])
    metrics = pipeline["route_metrics"]
    poll(lambda: unclaimed(metrics, "service"), lambda n: n >= 1, "route's SLA timer")

    # Service claims it; Communicatie's claim is refused, naming the holder
    service = department_key(api, "service-desk", "service")
    communicatie = department_key(api, "communicatie-desk", "communicatie")
    claim = httpx.post(f"{api}/v1/mentions/{mention_id}/claim", headers=service, timeout=30)
    assert claim.status_code == 200, claim.text
    assert claim.json()["mention"]["claimed_by"] == "key:service-desk"
    second = httpx.post(f"{api}/v1/mentions/{mention_id}/claim", headers=communicatie, timeout=30)
    assert second.status_code == 409, second.text
    assert "service-desk" in second.json()["problems"][0]
    poll(lambda: unclaimed(metrics, "service"), lambda n: n == 0, "the claim reaching route")

    # nobody replies: route's time passes the deadline; the claim expires, up the path
    pipeline["clock_file"].write_text(
        (deadline + timedelta(minutes=1)).isoformat(), encoding="utf-8"
    )
    first_step = pipeline["org"].routing.escalation_path[0]
    values = read_topic(
        bootstrap,
        topics.department(first_step),
        lambda v: bool(deliveries(v, mention_id, "escalated")),
        120,
    )
    [escalated] = deliveries(values, mention_id, "escalated")
    assert escalated.route.rule == "escalation:1"
    assert escalated.notice is not None
    assert escalated.notice.escalation_level == 1
    assert escalated.sla_deadline is not None
    assert escalated.sla_deadline > deadline
    back = read_topic(
        bootstrap,
        topics.department("communicatie"),
        lambda v: bool(deliveries(v, mention_id, "sla_expired")),
        60,
    )
    [expired] = deliveries(back, mention_id, "sla_expired")
    assert expired.notice is not None
    assert expired.notice.actor == "key:service-desk"
    assert "expired" in expired.notice.reason

    # a reply through the API closes the loop; the KPIs count it as answered late
    reply = httpx.post(
        f"{api}/v1/mentions/{mention_id}/reply",
        headers=service,
        json={
            "text": "Excuses, we zoeken het uit en storten het terug.",
            "channel": "x",
            "answered_elsewhere": True,
        },
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    window = {
        "since": (created - timedelta(seconds=1)).isoformat(),
        "until": (created + timedelta(seconds=1)).isoformat(),
    }

    def service_complaints(body: dict[str, Any]) -> dict[str, Any] | None:
        rows = [
            k for k in body["items"] if (k["department"], k["topic"]) == ("service", "complaints")
        ]
        return rows[0] if rows else None

    kpis = poll(
        lambda: get_json(f"{api}/v1/kpis", service, window),
        lambda body: (row := service_complaints(body)) is not None and row["answered"] == 1,
        "the reply in the KPIs",
    )
    row = service_complaints(kpis)
    assert row is not None
    assert (row["routed"], row["answered_late"], row["answered_within_sla"]) == (1, 1, 0)
    assert (row["never_answered"], row["share_late"]) == (0, 1.0)
    assert row["first_response_p50_s"] is not None
    assert row["first_response_p50_s"] > 0
