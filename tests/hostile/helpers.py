"""What the hostile suites check after throwing things: dead letters, history, the API."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import httpx

from schemas import DeadLetter
from tests.support.kafka_reading import read_topic
from tests.support.pipeline import ADMIN_KEY, Pipeline

AUTH = {"Authorization": f"Bearer {ADMIN_KEY}"}


def api_get(pipeline: Pipeline, path: str, **params: object) -> httpx.Response:
    return httpx.get(f"{pipeline.api_url}{path}", params=params, headers=AUTH, timeout=30)


def post_mentions(pipeline: Pipeline, body: bytes | object) -> httpx.Response:
    if isinstance(body, bytes):
        return httpx.post(
            f"{pipeline.ingest_url}/v1/mentions",
            content=body,
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
    return httpx.post(f"{pipeline.ingest_url}/v1/mentions", json=body, timeout=60)


def in_history(pipeline: Pipeline, mention_ids: Iterable[str], timeout_s: float = 240.0) -> dict:
    """Waits until history has every mention, routed; returns their records by id."""
    waiting = set(mention_ids)
    found: dict[str, dict] = {}
    deadline = time.monotonic() + timeout_s
    while waiting and time.monotonic() < deadline:
        for mention_id in sorted(waiting):
            answer = api_get(pipeline, f"/v1/mentions/{mention_id}")
            if answer.status_code == 200 and answer.json().get("departments"):
                found[mention_id] = answer.json()
        waiting -= set(found)
        if waiting:
            time.sleep(1.0)
    assert not waiting, (
        f"not in history after {timeout_s}s: {sorted(waiting)[:10]}\n{pipeline.logs()}"
    )
    return found


def dead_letters(
    pipeline: Pipeline, until: Callable[[list[DeadLetter]], bool], timeout_s: float = 180.0
) -> list[DeadLetter]:
    """The dead-letter topic from the start, once `until` holds for its letters (or time is up)."""
    values = read_topic(
        pipeline.bootstrap,
        pipeline.topics.dlq,
        lambda raw: until([DeadLetter.model_validate_json(v) for v in raw]),
        timeout_s=timeout_s,
    )
    return [DeadLetter.model_validate_json(v) for v in values]
