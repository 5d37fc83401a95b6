"""End to end: a reply asked for through the history API becomes exactly one correctly
threaded post on the local Mastodon and PDS, shows in history with its URL, and stops the
SLA clock (the KPIs count it answered in time). Every service is a process on the real
broker; the platforms are the local servers of tests/support/fake_platforms.py."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import yaml

from services.common.kafka import ensure_topics
from services.common.organisation import load_organisation
from services.common.topics import TopicNames
from tests.conftest import free_port
from tests.e2e.test_claims_through_api import ADMIN, ADMIN_KEY, department_key, get_json, poll
from tests.support.fake_platforms import FakeMastodon, FakePds, PdsAccount
from tests.support.processes import ServiceProcess, wait_healthy
from tests.unit.factories import EXAMPLE_CONFIG

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]

SERVICES = ["ingest", "classify", "route", "notify", "history", "publish"]
ORG_DID = "did:plc:openhart000000000000000"
BEA_DID = "did:plc:bea00000000000000000000"


@pytest.fixture
def platforms() -> Iterator[tuple[FakeMastodon, FakePds]]:
    mastodon = FakeMastodon()
    mastodon.add_status("1001", "public")
    pds = FakePds(
        accounts=[
            PdsAccount("openhart.bsky.social", ORG_DID, "app-password"),
            PdsAccount("bea.bsky.social", BEA_DID, "unused"),
        ]
    )
    pds.add_post(BEA_DID, "3root0000000a", "Twee keer afgeschreven!")
    mastodon.start()
    pds.start()
    yield mastodon, pds
    mastodon.stop()
    pds.stop()


@pytest.fixture
def pipeline(
    kafka_bootstrap: str,
    topic_prefix: str,
    tmp_path: Path,
    platforms: tuple[FakeMastodon, FakePds],
) -> Iterator[dict[str, Any]]:
    mastodon, pds = platforms
    config = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    config["routing"].pop("working_hours", None)
    config["accounts"] = [
        {
            "id": "main",
            "platform": "mastodon",
            "url": mastodon.url,
            "handle": "openhart@mastodon.example",
            "credentials_env": "E2E_MASTODON_TOKEN",
            "departments": ["service", "communicatie"],
        },
        {
            "id": "sky",
            "platform": "bluesky",
            "url": pds.url,
            "handle": "openhart.bsky.social",
            "credentials_env": "E2E_BSKY_PASSWORD",
            "departments": ["service", "communicatie"],
        },
    ]
    config_path = tmp_path / "organisation.yaml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    org = load_organisation(config_path)
    topics = TopicNames(topic_prefix)
    ensure_topics(kafka_bootstrap, topics.all_for(org.department_slugs), 3, 1)
    ingest_port, api_port = free_port(), free_port()
    env = {
        "WEBCARE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "WEBCARE_TOPIC_PREFIX": topic_prefix,
        "WEBCARE_ORGANISATION_CONFIG": str(config_path),
        "WEBCARE_STATE_DIR": str(tmp_path / "state"),
        "WEBCARE_DATABASE_URL": f"sqlite:///{tmp_path / 'history.db'}",
        "WEBCARE_INGEST_PORT": str(ingest_port),
        "WEBCARE_HISTORY_PORT": str(api_port),
        "WEBCARE_ADMIN_KEY": ADMIN_KEY,
        "WEBCARE_NOTIFY_RETRY_BASE_S": "0.05",
        "WEBCARE_PUBLISH_RETRY_BASE_S": "0.05",
        "E2E_MASTODON_TOKEN": mastodon.token,
        "E2E_BSKY_PASSWORD": "app-password",
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
            "api": f"http://127.0.0.1:{api_port}",
            "logs": lambda: {name: p.log_tail() for name, p in processes.items()},
        }
    finally:
        codes = {name: process.stop() for name, process in processes.items()}
        logs = {name: process.log_tail() for name, process in processes.items()}
    assert codes == dict.fromkeys(SERVICES, 0), f"unclean shutdown {codes}\n{logs}"


def ingest(pipeline: dict[str, Any], source: str, external_id: str, author: dict[str, str]) -> str:
    created = (datetime.now(UTC) - timedelta(minutes=1)).replace(microsecond=0)
    complaint = {
        "source": source,
        "external_id": external_id,
        "author": author,
        "text": "Ik ben boos: twee keer afgeschreven voor mijn donatie aan @openhart!",
        "created_at": created.isoformat().replace("+00:00", "Z"),
        "lang": "nl",
    }
    answer = httpx.post(f"{pipeline['ingest']}/v1/mentions", json=complaint, timeout=30)
    assert answer.status_code == 202, answer.text
    [mention_id] = answer.json()["ids"]
    return str(mention_id)


def reply_through_the_api(
    pipeline: dict[str, Any], mention_id: str, key: dict[str, str], text: str
) -> dict[str, Any]:
    api = pipeline["api"]
    url = f"{api}/v1/mentions/{quote(mention_id, safe=':')}"
    poll(
        lambda: get_json(url, ADMIN),
        lambda body: "service" in {d["department"] for d in body["departments"]},
        f"{mention_id} routed to service",
        90,
    )
    answer = httpx.post(f"{url}/reply", headers=key, json={"text": text}, timeout=30)
    assert answer.status_code in (200, 202), answer.text
    replied = poll(
        lambda: get_json(url, ADMIN),
        lambda body: any(i["kind"] == "replied" for i in body["trail"]),
        f"the reply to {mention_id} in history",
        90,
    )
    [item] = [i for i in replied["trail"] if i["kind"] == "replied"]
    return dict(item)


def test_a_reply_through_the_api_is_one_threaded_post_with_its_url_in_history(
    pipeline: dict[str, Any], platforms: tuple[FakeMastodon, FakePds]
) -> None:
    mastodon, pds = platforms
    service = department_key(pipeline["api"], f"desk-{uuid.uuid4().hex[:6]}", "service")

    toot = ingest(pipeline, "mastodon", "1001", {"id": "77", "handle": "bea@mastodon.social"})
    item = reply_through_the_api(pipeline, toot, service, "Excuses, we storten het terug.")
    [post] = mastodon.replies()
    assert post.in_reply_to_id == "1001"
    assert post.text == "@bea@mastodon.social Excuses, we storten het terug."
    assert item["detail"]["post_url"] == post.url
    assert item["detail"]["account"] == "main"

    parent = f"at://{BEA_DID}/app.bsky.feed.post/3root0000000a"
    skeet = ingest(pipeline, "bluesky", parent, {"id": BEA_DID, "handle": BEA_DID})
    item = reply_through_the_api(pipeline, skeet, service, "Excuses, we storten het terug.")
    [record] = pds.posts_by(ORG_DID)
    root = pds.records[(BEA_DID, "app.bsky.feed.post", "3root0000000a")]
    ref = {"uri": root["uri"], "cid": root["cid"]}
    assert record["value"]["reply"] == {"root": ref, "parent": ref}
    assert record["value"]["text"] == "@bea.bsky.social Excuses, we storten het terug."
    assert item["detail"]["post_id"] == record["uri"]

    # the first response stopped the clock: answered, within the SLA, for the KPIs
    now = datetime.now(UTC)
    window = {
        "since": (now - timedelta(hours=1)).isoformat(),
        "until": (now + timedelta(hours=1)).isoformat(),
    }
    kpis = poll(
        lambda: get_json(f"{pipeline['api']}/v1/kpis", service, window),
        lambda body: (
            sum(k["answered_within_sla"] for k in body["items"] if k["department"] == "service")
            >= 2
        ),
        "two replies answered in time in the KPIs",
    )
    service_rows = [k for k in kpis["items"] if k["department"] == "service"]
    assert sum(k["answered_late"] for k in service_rows) == 0
    assert sum(k["answered_by_post"] for k in service_rows) >= 2  # counted once per topic
    # exactly one post each, also after everything settled
    assert len(mastodon.replies()) == 1
    assert len(pds.posts_by(ORG_DID)) == 1
