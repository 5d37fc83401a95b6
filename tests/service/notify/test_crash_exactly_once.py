"""The done criterion of notify: kill the notifier in the middle of a burst, restart it,
and every target has every mention exactly once.

What "exactly once" means per target (see services/notify/ledger.py):
- department topic: exactly one record per delivery_id, as written (no dedupe needed);
- webhook, Slack, Teams, e-mail: every idempotency key received, and, deduped by that key
  (`Idempotency-Key` header, e-mail `Message-ID`) as the receiver contract asks, exactly
  once; the raw extra copies are at most the deliveries in flight when the process died.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from tests.conftest import free_port
from tests.service.notify.conftest import Notifier, decision, produce_decisions
from tests.service.notify.servers import FlakyHttpServer, RecordingSmtpServer
from tests.support.kafka_reading import read_records

# Two notifier starts and 200 decisions to five targets each: on a loaded 2-core machine this
# can outgrow the suite's default 300 s; the receivers' waits bound each step anyway.
pytestmark = [pytest.mark.kafka, pytest.mark.timeout(600)]

BURST = 200
# The notifier handles up to this many decisions side by side (WEBCARE_NOTIFY_DECISIONS_AT_ONCE);
# when it dies, that batch and the one before it (whose done markers may not have reached the
# changelog yet) are in doubt.
AT_ONCE = 8
MAX_IN_DOUBT_DECISIONS = 2 * AT_ONCE
AT_ONCE_ENV = {"WEBCARE_NOTIFY_DECISIONS_AT_ONCE": str(AT_ONCE)}
HTTP_TARGETS = ("hook", "slack", "teams")  # the department's webhook and two chat webhooks
WAIT_S = 300.0


def push_config(http_target: FlakyHttpServer) -> dict[str, object]:
    return {
        "slack": [{"url": f"{http_target.url}/slack"}],
        "teams": [{"url": f"{http_target.url}/teams"}],
        "email": [{"to": ["dewi@openhart.nl"]}],
    }


def wait_until_all_arrived(
    notifier: Notifier,
    http_target: FlakyHttpServer,
    smtp_target: RecordingSmtpServer,
    push: bool,
) -> list:  # type: ignore[type-arg]
    if push:
        http_target.wait_for_keys(len(HTTP_TARGETS) * BURST, timeout_s=WAIT_S)
        smtp_target.wait_for(BURST, timeout_s=WAIT_S)
    topic = notifier.topics.department("service")
    read_records(notifier.bootstrap, topic, lambda records: len(records) >= BURST, WAIT_S)
    time.sleep(3)  # anything still on its way would show up as a duplicate now
    return read_records(notifier.bootstrap, topic, lambda records: len(records) >= BURST)


def assert_exactly_once(
    queue: list,  # type: ignore[type-arg]
    http_target: FlakyHttpServer,
    smtp_target: RecordingSmtpServer,
    push: bool,
    crashes: int = 1,
) -> None:
    """`crashes`: the deaths the notifier went through (the test's kill, plus any restart
    after a stall), each of which may repeat the decisions it had in flight."""
    in_doubt = crashes * MAX_IN_DOUBT_DECISIONS
    mention_ids = {f"x:{n}" for n in range(BURST)}
    per_delivery = Counter(dict(r.headers)["delivery-id"].decode() for r in queue)
    assert set(per_delivery) == {f"{m}|service" for m in mention_ids}
    assert set(per_delivery.values()) == {1}, per_delivery.most_common(3)
    if not push:
        assert http_target.raw == []
        assert smtp_target.raw == []
        return
    hooks = http_target.received()
    expected = {f"{m}|service|webhook|{http_target.url}/hook" for m in mention_ids}
    expected |= {f"{m}|service|slack|{http_target.url}/slack" for m in mention_ids}
    expected |= {f"{m}|service|teams|{http_target.url}/teams" for m in mention_ids}
    assert set(hooks) == expected
    assert Counter(r.path for r in hooks.values()) == {f"/{t}": BURST for t in HTTP_TARGETS}
    raw = Counter(r.key for r in http_target.raw)
    extra = sum(raw.values()) - len(raw)
    assert extra <= len(HTTP_TARGETS) * in_doubt, raw.most_common(5)
    mails = smtp_target.received()
    mail_keys = {str(m["Idempotency-Key"]) for m in mails.values()}
    assert mail_keys == {f"{m}|service|email|mailto:dewi@openhart.nl" for m in mention_ids}
    assert len(smtp_target.raw) - len(mails) <= in_doubt


def test_sigkill_mid_burst_delivers_every_mention_exactly_once(
    notifier_factory: Callable[..., Notifier],
    http_target: FlakyHttpServer,
    smtp_target: RecordingSmtpServer,
) -> None:
    notifier = notifier_factory(push=push_config(http_target))
    first = notifier.start(**AT_ONCE_ENV)
    produce_decisions(
        notifier.bootstrap, notifier.topics.routed, [decision(n) for n in range(BURST)]
    )

    # killed once a fifth of the burst reached the HTTP targets, with the rest still to come
    started = len(HTTP_TARGETS) * BURST // 5
    deadline = time.monotonic() + WAIT_S
    while len(http_target.received()) < started and time.monotonic() < deadline:
        assert first.alive(), first.log_tail()
        time.sleep(0.02)
    notifier.kill()
    assert started <= len(http_target.received()) < len(HTTP_TARGETS) * BURST, "kill mid-burst"

    notifier.start(**AT_ONCE_ENV)
    queue = wait_until_all_arrived(notifier, http_target, smtp_target, push=True)
    assert notifier.stop() == 0
    assert_exactly_once(queue, http_target, smtp_target, True, 1 + notifier.revivals)


def in_doubt_counts(metrics_url: str) -> dict[tuple[str, str], float]:
    text = httpx.get(metrics_url, timeout=5).text
    pattern = r'webcare_notify_in_doubt_total\{channel="(\w+)",resolution="(\w+)"\} ([0-9.]+)'
    return {(c, r): float(v) for c, r, v in re.findall(pattern, text)}


def in_doubt_from_log(log: str) -> dict[tuple[str, str], float]:
    """The same counts from the notifier's log lines, which survive a restart."""
    counts: Counter[tuple[str, str]] = Counter()
    for line in log.splitlines():
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if record.get("msg") == "in-doubt delivery settled by the department topic":
            resolution = "already_delivered" if record.get("already_there") else "sent"
            counts["kafka", resolution] += 1
        elif record.get("msg") == "in-doubt delivery re-sent with the same idempotency key":
            counts[record.get("channel", "?"), "resent_same_key"] += 1
    return {key: float(n) for key, n in counts.items()}


@pytest.mark.parametrize("push", [False, True], ids=["queue-only", "queue-webhook-slack-email"])
def test_a_crash_between_effect_and_record_is_settled_without_a_second_delivery(
    notifier_factory: Callable[..., Notifier],
    http_target: FlakyHttpServer,
    smtp_target: RecordingSmtpServer,
    push: bool,
) -> None:
    """The worst moment: the effect happened, its done marker not yet. The failpoint SIGKILLs
    the notifier exactly there, so the restart must settle a delivery in doubt."""
    notifier = notifier_factory(push=push_config(http_target) if push else {}, webhook=push)
    first = notifier.start(WEBCARE_NOTIFY_FAILPOINT="after_effect:157", **AT_ONCE_ENV)
    produce_decisions(
        notifier.bootstrap, notifier.topics.routed, [decision(n) for n in range(BURST)]
    )
    assert first.process is not None
    assert first.process.wait(timeout=WAIT_S) == -9, first.log_tail()

    metrics_port = free_port()
    notifier.start(WEBCARE_NOTIFY_METRICS_PORT=str(metrics_port), **AT_ONCE_ENV)
    queue = wait_until_all_arrived(notifier, http_target, smtp_target, push)
    revived = notifier.revivals > 0  # a revived process counts afresh: read its logs instead
    settled = (
        in_doubt_from_log(notifier.log_text())
        if revived
        else in_doubt_counts(f"http://127.0.0.1:{metrics_port}/metrics")
    )
    assert notifier.stop() == 0
    assert_exactly_once(queue, http_target, smtp_target, push, 1 + notifier.revivals)
    if push:
        assert sum(settled.values()) >= 1, settled
    else:
        # the killed delivery was on the topic: the audit found it and did not send it again
        assert settled.get(("kafka", "already_delivered"), 0) >= 1, settled
