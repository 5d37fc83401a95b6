"""End to end: the API's answer, route's notices, notify's "claimed by" line and history agree
on who holds a claim, with all five services as processes on the real broker.

The history API's time is moved with `WEBCARE_HISTORY_CLOCK_FILE`. A claims; B's claim
within the TTL is 409 naming A and never reaches Kafka; B's claim after the TTL is 200 and
route refuses nothing. A claim written straight to the topic while B holds shows route's
notice and notify's line naming B. Then the race: two claims written straight to the topic
within the TTL; all three services keep the first and route refuses the second.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from schemas import ConversationEvent, ConversationEventKind, RoutingDecision
from services.common.kafka import ensure_topics
from services.common.organisation import load_organisation
from services.common.topics import TopicNames
from services.notify.content import labels
from tests.conftest import free_port
from tests.e2e.test_claims_through_api import ADMIN, ADMIN_KEY, department_key, get_json, poll
from tests.support.kafka_reading import produce, read_topic
from tests.support.processes import ServiceProcess, wait_healthy
from tests.support.recording_server import RecordingServer
from tests.unit.factories import EXAMPLE_CONFIG

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]

SERVICES = ["ingest", "classify", "route", "notify", "history"]


@pytest.fixture
def pipeline(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    config = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    config["routing"].pop("working_hours", None)
    with RecordingServer() as slack:
        for dept in config["departments"]:
            if dept["slug"] == "service":
                dept.setdefault("push", {})["slack"] = [{"url": f"{slack.url}/slack"}]
                dept["push"].pop("digest", None)
        config_path = tmp_path / "organisation.yaml"
        config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        org = load_organisation(config_path)
        topics = TopicNames(topic_prefix)
        ensure_topics(kafka_bootstrap, topics.all_for(org.department_slugs), 3, 1)
        history_clock = tmp_path / "history-clock"
        history_clock.write_text("", encoding="utf-8")  # the wall clock until a test sets it
        ingest_port, api_port, route_metrics = free_port(), free_port(), free_port()
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
            "WEBCARE_HISTORY_CLOCK_FILE": str(history_clock),
            "WEBCARE_CLAIM_TTL_S": "1800",
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
                "history_clock": history_clock,
                "slack": slack,
            }
        finally:
            codes = {name: process.stop() for name, process in processes.items()}
            logs = {name: process.log_tail() for name, process in processes.items()}
        assert codes == dict.fromkeys(SERVICES, 0), f"unclean shutdown {codes}\n{logs}"


def complaint(ingest: str, handle: str) -> str:
    created = (datetime.now(UTC) - timedelta(minutes=1)).replace(microsecond=0)
    external_id = str(1_900_000_000_000_000_000 + uuid.uuid4().int % 10**12)
    body = {
        "source": "x",
        "external_id": external_id,
        "author": {"id": handle, "handle": handle, "display_name": handle, "followers": 10},
        "text": "Ik ben boos: twee keer afgeschreven voor mijn donatie aan @openhart!",
        "created_at": created.isoformat().replace("+00:00", "Z"),
        "lang": "nl",
    }
    answer = httpx.post(f"{ingest}/v1/mentions", json=body, timeout=30)
    assert answer.status_code == 202, answer.text
    return f"x:{external_id}"


def route_counter(metrics_url: str, series: str) -> float:
    try:
        text = httpx.get(metrics_url, timeout=5).text
    except httpx.HTTPError:
        return 0.0
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return 0.0


def direct_claim(
    pipeline: dict[str, Any], mention: dict[str, Any], actor: str, at: datetime
) -> ConversationEvent:
    event = ConversationEvent(
        event_id=f"direct-{uuid.uuid4()}",
        kind=ConversationEventKind.CLAIMED,
        relationship_id=mention["relationship_id"],
        mention_id=mention["id"],
        department="service",
        actor=actor,
        at=at,
    )
    produce(
        pipeline["bootstrap"],
        pipeline["topics"].conversation_events,
        event.model_dump_json().encode(),
        key=mention["relationship_id"].encode(),
    )
    return event


def refusals(values: list[bytes], mention_id: str) -> list[RoutingDecision]:
    decisions = [RoutingDecision.model_validate_json(v) for v in values]
    return [
        d for d in decisions if d.kind == "claim_refused" and d.classified.mention.id == mention_id
    ]


def claimed_lines(slack: RecordingServer, handle: str, language: str) -> list[str]:
    """The "claimed by" lines of the Slack pushes about refused claims on `handle`'s mention."""
    label = labels(language)["claimed"]
    lines = []
    for request in list(slack.requests):
        text = json.loads(request.body)["text"]
        if f"@{handle}" in text and "claim_collision" in text:
            lines += [ln for ln in text.splitlines() if ln.startswith(label)]
    return lines


def test_api_route_notify_and_history_agree_on_the_holder(pipeline: dict[str, Any]) -> None:
    api, topics, bootstrap = pipeline["api"], pipeline["topics"], pipeline["bootstrap"]
    clock: Path = pipeline["history_clock"]
    metrics, slack = pipeline["route_metrics"], pipeline["slack"]
    language = pipeline["org"].department("service").language
    first, second = complaint(pipeline["ingest"], "boze_bea"), complaint(pipeline["ingest"], "kees")
    mentions = {
        m: poll(
            lambda m=m: get_json(f"{api}/v1/mentions/{m}", ADMIN),
            lambda body: body.get("sla_deadline") is not None,
            f"{m} routed in history",
            90,
        )
        for m in (first, second)
    }
    poll(
        lambda: route_counter(metrics, 'webcare_unclaimed_mentions{department="service"}'),
        lambda n: n >= 2,
        "route's cases of both mentions",
    )
    service = department_key(api, "service-desk", "service")
    communicatie = department_key(api, "communicatie-desk", "communicatie")
    now = datetime.now(UTC).replace(microsecond=0)

    # A claims; B within the TTL: 409 naming A
    clock.write_text((now - timedelta(minutes=40)).isoformat(), encoding="utf-8")
    claim = httpx.post(f"{api}/v1/mentions/{first}/claim", headers=service, timeout=30)
    assert claim.status_code == 200, claim.text
    clock.write_text((now - timedelta(minutes=35)).isoformat(), encoding="utf-8")
    early = httpx.post(f"{api}/v1/mentions/{first}/claim", headers=communicatie, timeout=30)
    assert early.status_code == 409, early.text
    assert "service-desk" in early.json()["problems"][0]

    # B after the TTL: 200, and B holds in history
    clock.write_text(now.isoformat(), encoding="utf-8")
    late = httpx.post(f"{api}/v1/mentions/{first}/claim", headers=communicatie, timeout=30)
    assert late.status_code == 200, late.text
    assert late.json()["mention"]["claimed_by"] == "key:communicatie-desk"
    taken = 'webcare_route_claim_events_total{outcome="taken"}'
    poll(lambda: route_counter(metrics, taken), lambda n: n >= 2, "both claims taken by route")

    # a claim straight onto the topic while B holds: route refuses it naming B, notify too
    probe = direct_claim(pipeline, mentions[first], "probe-desk", now + timedelta(minutes=1))
    values = read_topic(
        bootstrap, topics.routed, lambda v: any(r.notice for r in refusals(v, first)), 60
    )
    [refusal] = refusals(values, first)  # none for B's claim, none for the refused 409
    assert refusal.notice is not None
    assert (refusal.notice.claimant, refusal.notice.actor) == (
        "probe-desk",
        "key:communicatie-desk",
    )
    assert refusal.decision_id.endswith(probe.event_id)
    lines = poll(
        lambda: claimed_lines(slack, "boze_bea", language), bool, "notify's push of the refusal"
    )
    assert lines == [f"{labels(language)['claimed']}: key:communicatie-desk"]
    held = get_json(f"{api}/v1/mentions/{first}", ADMIN)
    assert (held["status"], held["claimed_by"]) == ("claimed", "key:communicatie-desk")
    sent = read_topic(bootstrap, topics.conversation_events, lambda v: len(v) >= 3, 30)
    claims = [ConversationEvent.model_validate_json(v) for v in sent]
    assert [e.actor for e in claims if e.mention_id == first] == [
        "key:service-desk",
        "key:communicatie-desk",
        "probe-desk",
    ]

    # the race: two claims on the topic within the TTL; the first holds everywhere
    direct_claim(pipeline, mentions[second], "anna", now)
    racer = direct_claim(pipeline, mentions[second], "bram", now + timedelta(minutes=1))
    values = read_topic(
        bootstrap, topics.routed, lambda v: any(r.notice for r in refusals(v, second)), 60
    )
    [refusal] = refusals(values, second)
    assert refusal.notice is not None
    assert (refusal.notice.claimant, refusal.notice.actor) == ("bram", "anna")
    assert refusal.decision_id.endswith(racer.event_id)
    lines = poll(lambda: claimed_lines(slack, "kees", language), bool, "notify's push of the race")
    assert lines == [f"{labels(language)['claimed']}: anna"]
    held = poll(
        lambda: get_json(f"{api}/v1/mentions/{second}", ADMIN),
        lambda body: body.get("claimed_by") is not None,
        "the race in history",
    )
    assert (held["status"], held["claimed_by"]) == ("claimed", "anna")
