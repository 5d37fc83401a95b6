"""The webhook format: parsing, refusals with reasons, stable ids that make re-ingest a no-op."""

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.ingest.normalise import InvalidMention, normalise, parse_batch, relationship_id

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
VALID = {
    "source": "x",
    "external_id": "1790000000000000001",
    "author": {"id": "42", "handle": "anna_b", "display_name": "Anna", "followers": 120},
    "text": "Wanneer is de collecteweek?",
    "created_at": "2026-11-20T09:15:00+01:00",
    "url": "https://x.com/anna_b/status/1790000000000000001",
    "lang": "NL",
}


def body(value: object) -> bytes:
    return json.dumps(value).encode()


def test_one_object_and_a_batch() -> None:
    assert len(parse_batch(body(VALID), 10)) == 1
    assert len(parse_batch(body([VALID, {**VALID, "external_id": "2"}]), 10)) == 2


def test_normalised_mention() -> None:
    [item] = parse_batch(body({**VALID, "in_reply_to": "1789"}), 10)
    mention = normalise(item, NOW, ())
    assert mention.id == "x:1790000000000000001"
    assert mention.created_at == datetime(2026, 11, 20, 8, 15, tzinfo=UTC)
    assert mention.lang == "nl"
    assert mention.in_reply_to == "x:1789"
    assert mention.thread_id == "x:1789"
    assert mention.relationship_id == relationship_id("x", "42")
    assert mention.ingested_at == NOW


def test_ids_are_stable_across_reingest() -> None:
    [item] = parse_batch(body(VALID), 10)
    first, again = normalise(item, NOW, ()), normalise(item, datetime.now(UTC), ())
    assert (first.id, first.relationship_id, first.thread_id) == (
        again.id,
        again.relationship_id,
        again.thread_id,
    )


def test_different_people_get_different_relationships() -> None:
    assert relationship_id("x", "42") != relationship_id("x", "43")
    assert relationship_id("x", "42") != relationship_id("mastodon", "42")


@pytest.mark.parametrize(
    ("raw", "reason", "mentioned"),
    [
        (b"{not json", "invalid_json", "<body>"),
        (b"\xff\xfe\x00", "invalid_json", "<body>"),
        (body([]), "empty_batch", "empty"),
        (body({**VALID, "author": {"id": "1"}}), "invalid_mention", "author.handle"),
        (body({**VALID, "created_at": "gisteren"}), "invalid_mention", "created_at"),
        (body({**VALID, "source": "Not Valid"}), "invalid_mention", "source"),
        (body({**VALID, "text": 5}), "invalid_mention", "text"),
        (body([VALID] * 11), "batch_too_large", "at most 10"),
        (body("a string"), "invalid_mention", ""),
    ],
)
def test_refusals_say_why(raw: bytes, reason: str, mentioned: str) -> None:
    with pytest.raises(InvalidMention) as caught:
        parse_batch(raw, 10)
    assert caught.value.reason == reason
    assert mentioned in " ".join(caught.value.problems)


WITHOUT_TEXT = {k: v for k, v in VALID.items() if k != "text"}


@pytest.mark.parametrize(
    ("item", "problems"),
    [
        (WITHOUT_TEXT, ["<body>.text: a post needs it"]),
        ({**WITHOUT_TEXT, "kind": "edit"}, ["<body>.text: an edit needs it"]),
        ({**WITHOUT_TEXT, "kind": "repost"}, ["<body>.text: a repost needs it"]),
        ([VALID, WITHOUT_TEXT], ["<body>[1].text: a post needs it"]),
    ],
)
def test_only_a_delete_may_leave_the_text_out(item: object, problems: list[str]) -> None:
    with pytest.raises(InvalidMention) as caught:
        parse_batch(body(item), 10)
    assert (caught.value.reason, caught.value.problems) == ("invalid_mention", problems)


def test_a_delete_without_text_and_an_empty_text_are_mentions() -> None:
    delete = {"source": "x", "external_id": "1790000000000000001", "kind": "delete"}
    [gone, empty] = parse_batch(body([delete, {**VALID, "text": ""}]), 10)
    assert normalise(gone, NOW, ()).text == ""
    assert normalise(empty, NOW, ()).text == ""


def test_deep_nesting_is_refused_not_crashed() -> None:
    with pytest.raises(InvalidMention):
        parse_batch(b"[" * 100_000 + b"]" * 100_000, 10)


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_parse_or_are_refused(raw: bytes) -> None:
    problems: list[str] = []
    items = []
    try:
        items = parse_batch(raw, 10)
    except InvalidMention as err:
        problems = err.problems
    assert bool(problems) != bool(items)
    assert len(items) <= 10


@given(
    st.text(min_size=1, max_size=50).filter(str.strip),
    st.text(max_size=500),
    st.text(min_size=1, max_size=40).filter(str.strip),
)
def test_any_text_and_handle_normalise(external_id: str, text: str, handle: str) -> None:
    raw = body(
        {**VALID, "external_id": external_id, "text": text, "author": {"id": "1", "handle": handle}}
    )
    try:
        [item] = parse_batch(raw, 10)
    except InvalidMention as err:
        refused = err.problems
    else:
        refused = []
        mention = normalise(item, NOW, ())
        assert mention.id == f"x:{item.external_id}"
        assert mention.text == item.text
        assert mention.author.handle == item.author.handle
    # Surrounding whitespace (\r, \t…) is stripped before the id is checked.
    kept = external_id.strip(" \t\n\r\x0b\x0c") + handle.strip(" \t\n\r\x0b\x0c")
    has_control = any(ord(c) < 32 or ord(c) == 127 for c in kept)
    assert bool(refused) == has_control
