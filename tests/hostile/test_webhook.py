"""Hostile bodies on the ingest webhook: a clear 4xx and a dead letter each, no crash, and every
good mention sent between them reaches history; hostile *content* in a valid mention is
accepted and stored exactly as ingest normalised it, with no effect on the database."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from schemas import DeadLetter
from services.ingest.normalise import IncomingMention, normalise
from tests.hostile.corpus import (
    BAD_BODIES,
    HOSTILE_HANDLES,
    HOSTILE_TEXTS,
    HUGE_BODY,
    good_mention,
    oversized_batch,
)
from tests.hostile.helpers import api_get, dead_letters, in_history, post_mentions
from tests.support.pipeline import Pipeline

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.e2e]

# Control characters have no place in an id (a NUL in text becomes U+FFFD, see normalise.py).
REFUSED = {"handle_nul"}


def test_bad_bodies_get_a_4xx_and_a_dead_letter_and_good_ones_still_flow(
    hostile: Pipeline,
) -> None:
    started = datetime.now(UTC)
    bodies = {**BAD_BODIES, "huge_body": HUGE_BODY, "oversized_batch": oversized_batch(501)}
    answers: dict[str, tuple[int, dict]] = {}
    good_ids = []
    for n, (name, body) in enumerate(bodies.items()):
        answer = post_mentions(hostile, body)
        answers[name] = (answer.status_code, answer.json())
        good = post_mentions(hostile, good_mention(n, "webhook"))
        assert good.status_code == 202, (name, good.text)
        good_ids += good.json()["ids"]
        assert hostile.processes["ingest"].alive(), f"ingest died on {name}"

    wrong = {name: a for name, a in answers.items() if not 400 <= a[0] < 500}
    assert not wrong, f"not a 4xx: {wrong}"
    # a clear answer: a reason and what is wrong
    for name, (_status, body) in answers.items():
        assert body["error"], (name, body)
        assert body["problems"], (name, body)
    assert answers["huge_body"][0] == 413
    assert answers["oversized_batch"][0] == 413
    assert answers["truncated_json"][0] == 400

    reasons = [body["error"] for _status, body in answers.values()]

    def ours(letters: list[DeadLetter]) -> list[DeadLetter]:
        return [d for d in letters if d.stage == "ingest" and d.at >= started]

    ingest_letters = ours(dead_letters(hostile, lambda found: len(ours(found)) >= len(reasons)))
    assert sorted(d.reason for d in ingest_letters) == sorted(reasons)
    originals = {d.original() for d in ingest_letters}
    assert BAD_BODIES["invalid_utf8"] in originals  # the very bytes, for a later look
    in_history(hostile, good_ids)


def test_hostile_content_is_stored_verbatim_and_inert(hostile: Pipeline) -> None:
    sent: dict[str, dict] = {}
    for name, hostile_text in HOSTILE_TEXTS.items():
        item = good_mention(0, f"text-{name}")
        item["text"] = hostile_text
        sent[name] = item
    for name, handle in HOSTILE_HANDLES.items():
        item = good_mention(0, f"handle-{name}")
        item["author"] = {"id": handle, "handle": handle, "display_name": handle}
        sent[f"handle_{name}"] = item

    expected = {}
    for name, item in sent.items():
        answer = post_mentions(hostile, item)
        if name in REFUSED:
            assert answer.status_code == 422, (name, answer.text)
            continue
        assert answer.status_code == 202, (name, answer.text)  # hostile content is content
        [mention_id] = answer.json()["ids"]
        expected[mention_id] = normalise(
            IncomingMention.model_validate_json(json.dumps(item)), datetime.now(UTC), ()
        )

    stored = in_history(hostile, expected)
    for mention_id, mention in expected.items():
        record = stored[mention_id]
        assert record["text"] == mention.text, mention_id
        assert record["author"]["handle"] == mention.author.handle, mention_id

    # the SQL in the texts did nothing: the tables are there and hold what they should
    engine = create_engine(hostile.database_url)
    try:
        with engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM mentions")).scalar_one()
            keys = connection.execute(text("SELECT count(*) FROM api_keys")).scalar_one()
    finally:
        engine.dispose()
    assert count >= len(expected)
    assert keys == 0
    # searching for the injection finds the mention that carries it, and only text matches
    found = api_get(hostile, "/v1/search", q="DROP TABLE mentions")
    assert found.status_code == 200, found.text
    items = found.json()["items"]
    assert "x:text-sql_quote-good-0" in {m["id"] for m in items}
    assert all("drop table mentions" in m["text"].lower() for m in items), items
