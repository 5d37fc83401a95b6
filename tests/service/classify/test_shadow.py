"""Shadow and promotion on the real broker: a second model runs beside the live one, both
answers are recorded and their disagreements counted; `webcare classify promote` makes it
live in the running process (same PID), and later mentions carry the new version."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from schemas import ClassifiedMention
from services.common.topics import TopicNames
from tests.service.classify.conftest import Classify, raw_mention
from tests.support.kafka_reading import produce, read_topic

pytestmark = pytest.mark.kafka

DONATION = "Twee keer afgeschreven voor mijn donatie aan @openhart, wat is dit?"


def classified(kafka_bootstrap: str, topic: str, count: int) -> list[ClassifiedMention]:
    values = read_topic(kafka_bootstrap, topic, lambda v: len(v) >= count, 120)
    return [ClassifiedMention.model_validate_json(v) for v in values]


def test_shadow_then_promote_without_restart(
    start_classify: Callable[..., Classify],
    models_with_shadow: tuple[Path, str, str],
    kafka_bootstrap: str,
    topic_prefix: str,
) -> None:
    models, live, shadow = models_with_shadow
    topics = TopicNames(topic_prefix)
    classify = start_classify(
        WEBCARE_CLASSIFY_MODEL_DIR=str(models), WEBCARE_CLASSIFY_SHADOW_VERSION=shadow
    )
    pid = classify.pid
    first = raw_mention("1", DONATION)
    produce(kafka_bootstrap, topics.raw, first.model_dump_json().encode(), key=b"r1")
    [result] = classified(kafka_bootstrap, topics.classified, 1)
    assert result.model_version == live
    assert result.shadow is not None
    assert result.shadow.model_version == shadow
    assert "fundraising" in result.topics
    assert "fundraising" not in result.shadow.topics
    assert result.explanation is not None
    assert {"donatie", "afgeschreven"} & {t.term for t in result.explanation["fundraising"]}
    classify.wait_metric(
        "webcare_classify_shadow_disagreements_total", lambda v: v >= 1, topic="fundraising"
    )
    assert classify.metric("webcare_classify_model_role_info", role="shadow", version=shadow) == 1

    output = classify.cli("classify", "promote", shadow)
    assert f"live = {shadow}" in output

    # The stream never stops: keep sending until a mention comes back from the new model.
    deadline = time.monotonic() + 120
    promoted: ClassifiedMention | None = None
    for n in itertools.count(2):
        mention = raw_mention(str(n), DONATION)
        produce(kafka_bootstrap, topics.raw, mention.model_dump_json().encode(), key=b"r1")
        results = {c.mention.id: c for c in classified(kafka_bootstrap, topics.classified, n)}
        if results[mention.id].model_version == shadow:
            promoted = results[mention.id]
            break
        assert time.monotonic() < deadline, classify.process.log_tail()
        time.sleep(0.5)
    assert promoted is not None
    assert promoted.shadow is None  # promotion ends the shadow run
    assert "fundraising" not in promoted.topics
    assert classify.pid == pid
    assert classify.process.alive()
    assert classify.metric("webcare_classify_model_info", version=shadow) == 1
    assert classify.metric("webcare_classify_model_info", version=live) == 0
    # Later mentions keep the new version (no flapping back).
    last = raw_mention("last", DONATION)
    produce(kafka_bootstrap, topics.raw, last.model_dump_json().encode(), key=b"r1")
    results = {c.mention.id: c for c in classified(kafka_bootstrap, topics.classified, n + 1)}
    assert results[last.id].model_version == shadow
    assert (models / "CURRENT").read_text().strip() == shadow

    # A worker started later takes on the last promotion from the control topic, even
    # when its settings still name the old version live and in shadow.
    assert classify.process.stop() == 0
    restarted = start_classify(
        WEBCARE_CLASSIFY_MODEL_DIR=str(models),
        WEBCARE_CLASSIFY_MODEL_VERSION=live,
        WEBCARE_CLASSIFY_SHADOW_VERSION=live,
    )
    assert restarted.pid != pid
    after = raw_mention("after-restart", DONATION)
    produce(kafka_bootstrap, topics.raw, after.model_dump_json().encode(), key=b"r1")
    results = {c.mention.id: c for c in classified(kafka_bootstrap, topics.classified, n + 2)}
    assert results[after.id].model_version == shadow
    assert results[after.id].shadow is None
