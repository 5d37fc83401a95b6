"""Raw bytes produced straight onto every topic a service consumes: each consumer dead-letters
each one with its stage, the topic and the very bytes, stays alive, and the good mentions sent
before, between and after still reach history with their departments."""

from __future__ import annotations

import json

import pytest
from kafka import KafkaProducer

from schemas import DeadLetter
from schemas.messages import DEAD_LETTER_MAX_ORIGINAL
from tests.hostile.corpus import good_mention
from tests.hostile.helpers import dead_letters, in_history, post_mentions
from tests.support.pipeline import Pipeline

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.e2e]

JUNK: dict[str, bytes | None] = {
    "tombstone": None,
    "empty": b"",
    "invalid_utf8": b"\xff\xfe\xc3\x28 not text",
    "truncated": b'{"mention": {"id": "x:1", "text": "ha',
    "nul_bytes": b"\x00\x00\x00\x00",
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "wrong_types": b'{"mention": 5, "topics": "all", "departments": {"a": 1}, "kind": []}',
    "surrogate": b'{"text": "\\ud800\\udc00\\ud800"}',
    "json_null": b"null",
    "control": b"\x1b[31m\x07\x08\x7f",
    "sql": b"'; DROP TABLE mentions; --",
    "big": json.dumps({"text": "A" * 900_000}).encode(),  # its letter keeps the first 512 KiB
}

# topic (as a TopicNames attribute) -> the stages that consume it
CONSUMERS = {
    "raw": ("classify", "history"),
    "classified": ("route", "history"),
    "routed": ("notify", "history"),
    "conversation_events": ("route", "notify", "history"),
    "notifications_sent": ("history",),
    "route_signals": ("route",),
}


def test_junk_on_every_topic_is_dead_lettered_by_every_consumer(hostile: Pipeline) -> None:
    producer = KafkaProducer(
        bootstrap_servers=hostile.bootstrap, acks="all", max_request_size=2 * 1024 * 1024
    )
    good_ids: list[str] = []
    expected: set[tuple[str, str, bytes]] = set()
    try:
        for n, (name, value) in enumerate(JUNK.items()):
            answer = post_mentions(hostile, good_mention(n, "topics"))
            assert answer.status_code == 202, answer.text
            good_ids += answer.json()["ids"]
            for attribute, stages in CONSUMERS.items():
                topic = getattr(hostile.topics, attribute)
                key = None if n % 2 else f"junk-{name}".encode()
                producer.send(topic, key=key, value=value).get(timeout=60)
                kept = (value or b"")[:DEAD_LETTER_MAX_ORIGINAL]
                expected |= {(stage, topic, kept) for stage in stages}
        producer.flush()
    finally:
        producer.close()
    answer = post_mentions(hostile, good_mention(99, "topics"))
    good_ids += answer.json()["ids"]

    def found(letters: list[DeadLetter]) -> set[tuple[str, str, bytes]]:
        return {(d.stage, d.topic or "", d.original()) for d in letters}

    letters = dead_letters(hostile, lambda got: expected <= found(got), timeout_s=300)
    missing = expected - found(letters)
    assert not missing, sorted((s, t, v[:40]) for s, t, v in missing)[:20]
    for letter in letters:
        if (letter.stage, letter.topic, letter.original()) in expected:
            assert letter.reason, letter
    assert not hostile.dead(), hostile.dead()
    in_history(hostile, good_ids)
