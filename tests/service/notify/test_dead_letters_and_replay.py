"""A target that stays down: bounded attempts, then the circuit opens, every failure is
dead-lettered with a receipt, and `webcare dlq replay` re-drives it once the target is back,
without a second copy anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable

import pytest

from schemas import DeadLetter, DeliveryOutcome, DeliveryReceipt
from tests.service.notify.conftest import Notifier, decision, produce_decisions
from tests.service.notify.servers import FlakyHttpServer
from tests.support.kafka_reading import read_records
from tests.support.processes import REPO

pytestmark = pytest.mark.kafka

MENTIONS = 6


def notify_letters(notifier: Notifier, count: int) -> list[DeadLetter]:
    records = read_records(
        notifier.bootstrap,
        notifier.topics.dlq,
        lambda rs: (
            sum(DeadLetter.model_validate_json(r.value).stage == "notify" for r in rs) >= count
        ),
    )
    return [
        letter
        for letter in (DeadLetter.model_validate_json(r.value) for r in records)
        if letter.stage == "notify"
    ]


def replay(notifier: Notifier) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "services.cli", "dlq", "replay"],
        cwd=REPO,
        env={**os.environ, **notifier.env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_failures_open_the_circuit_dead_letter_and_replay_delivers_once(
    notifier_factory: Callable[..., Notifier], http_target: FlakyHttpServer
) -> None:
    notifier = notifier_factory(
        push={},
        WEBCARE_NOTIFY_ATTEMPTS="2",
        WEBCARE_NOTIFY_BREAKER_THRESHOLD="3",
        WEBCARE_NOTIFY_BREAKER_COOLDOWN_S="600",
        WEBCARE_NOTIFY_DECISIONS_AT_ONCE="1",  # one at a time, so the failures come in order
    )
    http_target.down = True
    notifier.start()
    produce_decisions(
        notifier.bootstrap, notifier.topics.routed, [decision(n) for n in range(MENTIONS)]
    )

    letters = notify_letters(notifier, MENTIONS)
    assert len(letters) == MENTIONS
    reasons = Counter(letter.reason for letter in letters)
    # the first delivery uses both attempts; the third failure in a row (the second
    # delivery's first attempt) opens the circuit: from then on nothing is even tried
    assert reasons == {"delivery_failed": 1, "circuit_open": MENTIONS - 1}
    assert http_target.attempts == 3
    for letter in letters:
        assert letter.topic == notifier.topics.routed
        detail = json.loads(letter.detail)
        assert detail["channel"] == "webhook"
        assert detail["target"] == f"{http_target.url}/hook"
        assert json.loads(letter.original())["decision_id"].startswith("d-")

    # the department queue does not depend on the webhook
    queue = read_records(
        notifier.bootstrap, notifier.topics.department("service"), lambda r: len(r) >= MENTIONS
    )
    assert len(queue) == MENTIONS

    receipts = [
        DeliveryReceipt.model_validate_json(r.value)
        for r in read_records(
            notifier.bootstrap,
            notifier.topics.notifications_sent,
            lambda rs: len(rs) >= 2 * MENTIONS + 1,
        )
    ]
    webhook_outcomes = Counter(r.outcome for r in receipts if r.channel == "webhook")
    assert webhook_outcomes == {DeliveryOutcome.DEAD_LETTERED: MENTIONS, DeliveryOutcome.FAILED: 1}

    # the target is back, the notifier restarted (a fresh circuit): replay re-drives each once
    assert notifier.stop() == 0
    http_target.down = False
    notifier.start()
    assert f"re-drove {MENTIONS} of {MENTIONS} dead letters" in replay(notifier)
    received = http_target.wait_for_keys(MENTIONS)
    assert sorted(r.key.split("|")[0] for r in received.values()) == sorted(
        f"x:{n}" for n in range(MENTIONS)
    ), notifier.process.log_tail() if notifier.process else ""
    # a second replay finds nothing new, and nothing was delivered twice anywhere
    assert "re-drove 0 of 0 dead letters" in replay(notifier)
    queue = read_records(
        notifier.bootstrap,
        notifier.topics.department("service"),
        lambda r: len(r) > MENTIONS,
        timeout_s=5,
    )
    assert len(queue) == MENTIONS
    assert len(http_target.raw) == MENTIONS
    assert notifier.stop() == 0
