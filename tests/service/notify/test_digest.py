"""Digest mode: normal mentions wait for a periodic summary; urgent ones, escalations and crisis
notices go at once; and
what waits survives a SIGKILL of the notifier (it lives in a Faust table)."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from schemas import ConversationEvent, ConversationEventKind, RoutingDecision, RoutingNotice
from tests.service.notify.conftest import Notifier, decision, produce_decisions
from tests.service.notify.servers import FlakyHttpServer, Received, RecordingSmtpServer
from tests.support.kafka_reading import produce, read_records

pytestmark = pytest.mark.kafka

NORMAL = 5
# never digested: an urgent mention, an escalation and a crisis notice (both of normal priority)
IMMEDIATE = 3


def notice(n: int, kind: str) -> RoutingDecision:
    return decision(n).model_copy(
        update={"kind": kind, "decision_id": f"{kind}-{n}", "notice": RoutingNotice(reason=kind)}
    )


def test_digest_bundles_normal_mentions_urgent_go_at_once_and_a_restart_loses_nothing(
    notifier_factory: Callable[..., Notifier],
    http_target: FlakyHttpServer,
    smtp_target: RecordingSmtpServer,
) -> None:
    notifier = notifier_factory(
        push={
            "slack": [{"url": f"{http_target.url}/slack"}],
            "email": [{"to": ["dewi@openhart.nl"]}],
            "digest": {"every_minutes": 0.25},
        },
        WEBCARE_NOTIFY_DIGEST_CHECK_S="0.5",
    )
    notifier.start()
    decisions = [decision(n) for n in range(NORMAL)] + [
        decision(99, priority="urgent"),
        notice(98, "escalated"),
        notice(97, "crisis_raised"),
    ]
    produce_decisions(notifier.bootstrap, notifier.topics.routed, decisions)
    claim = ConversationEvent(
        event_id="claim-2",
        kind=ConversationEventKind.CLAIMED,
        relationship_id="rel-2",
        mention_id="x:2",
        department="service",
        actor="femke@openhart.nl",
        at=datetime.now(UTC),  # the line shows the claim that holds when the push is made
    )
    produce(
        notifier.bootstrap,
        notifier.topics.conversation_events,
        claim.model_dump_json().encode(),
        key=b"rel-2",
    )
    # the department queue gets every mention at once
    queue = read_records(
        notifier.bootstrap,
        notifier.topics.department("service"),
        lambda r: len(r) >= NORMAL + IMMEDIATE,
    )
    assert len(queue) == NORMAL + IMMEDIATE
    # urgent, escalated and crisis were pushed at once, each on its own, to webhook, Slack, e-mail
    immediate = http_target.wait_for_keys(2 * IMMEDIATE)
    assert Counter(r.path for r in immediate.values()) == {"/hook": IMMEDIATE, "/slack": IMMEDIATE}
    assert {r.key.split("|")[0] for r in immediate.values()} == {"x:99", "x:98", "x:97"}
    assert len(smtp_target.wait_for(IMMEDIATE)) == IMMEDIATE

    # the notifier dies with the normal mentions waiting for their digest
    notifier.kill()
    assert len(http_target.raw) == 2 * IMMEDIATE
    notifier.start()

    def digested() -> tuple[list[Received], list[dict[str, Any]]]:
        digests = [r for r in http_target.received().values() if r.key.startswith("digest:")]
        return digests, [json.loads(r.body) for r in digests if r.path == "/hook"]

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        digests, hooks = digested()
        covered = {d["mention"]["id"] for h in hooks for d in h["deliveries"]}
        slack_count = sum(r.path == "/slack" for r in digests)
        if len(covered) >= NORMAL and slack_count >= len(hooks):
            break
        time.sleep(0.2)
    time.sleep(2)  # a digest sent twice would show up now
    digests, hooks = digested()
    assert len(hooks) <= 3  # one per (department, partition) with something waiting
    in_hook_digests = Counter(d["mention"]["id"] for h in hooks for d in h["deliveries"])
    assert in_hook_digests == {f"x:{n}": 1 for n in range(NORMAL)}  # each exactly once
    assert all(h["kind"] == "digest" for h in hooks)
    slack_text = "".join(json.loads(r.body)["text"] for r in digests if r.path == "/slack")
    for n in range(NORMAL):
        assert f"@user{n}" in slack_text
    assert "new mentions for Service" in slack_text
    # who claimed a mention is in the digest (the claim was heard before the restart)
    claimed = [ln for ln in slack_text.splitlines() if "@user2" in ln]
    assert claimed
    assert all("(Claimed by: femke@openhart.nl)" in ln for ln in claimed)
    assert "Claimed by" not in "".join(ln for ln in slack_text.splitlines() if "@user1" in ln)
    mails = smtp_target.wait_for(IMMEDIATE + len(hooks))
    digest_mails = [m for m in mails.values() if str(m["Idempotency-Key"]).startswith("digest:")]
    assert len(digest_mails) == len(hooks)
    assert len(http_target.raw) == 2 * IMMEDIATE + 2 * len(hooks)  # nothing sent twice
    bodies = "".join(m.get_body(preferencelist=("plain",)).get_content() for m in digest_mails)
    for n in range(NORMAL):
        assert f"Mention number {n}:" in bodies
    assert notifier.stop() == 0
