"""Every parser on real-format fixtures, and on arbitrary bytes (rejections, never crashes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas import Mention
from services.ingest.normalise import relationship_id
from services.ingest.parsing import PARSERS, Normalised, parse_source
from services.ingest.sources import bluesky

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ORG_DID = "did:plc:openhart7x2k4q"
HANDLES = ["@openhart", "openhart.bsky.social", "@openhart@mastodon.nl", ORG_DID]


def parse(source: str, name: str) -> Normalised:
    return parse_source(source, (FIXTURES / name).read_bytes(), NOW, HANDLES)


def by_id(mentions: list[Mention]) -> dict[str, list[Mention]]:
    found: dict[str, list[Mention]] = {}
    for m in mentions:
        found.setdefault(m.id, []).append(m)
    return found


def test_mastodon_reply_with_html_media_and_emoji() -> None:
    [m] = parse("mastodon", "mastodon_status_reply.json").mentions
    assert m.id == "mastodon:113456789012345678"
    assert m.in_reply_to == m.thread_id == "mastodon:113456789000000001"
    assert m.created_at == datetime(2026, 11, 20, 9, 15, tzinfo=UTC)
    assert m.author.handle == "boze_bea@mastodon.social"
    assert m.author.profile_url == "https://mastodon.social/@boze_bea"
    assert m.author.followers == 310
    assert m.relationship_id == relationship_id("mastodon", "109999999999999999")
    assert m.text.startswith("@openhart Ik ben boos: twee keer afgeschreven voor mijn donatie & ")
    assert "https://example.org/afschrift/2026/11/20/overzicht-van-de-bank" in m.text
    assert "#openhart :angry_blob:" in m.text
    assert "Screenshot van twee afschrijvingen" in m.text
    assert "<p>" not in m.text
    assert "&amp;" not in m.text
    assert (m.lang, m.kind, m.from_organisation) == ("nl", "post", False)


def test_mastodon_notifications_only_mentions_count() -> None:
    [m] = parse("mastodon", "mastodon_notification_mention.json").mentions
    assert m.text == "@openhart ボランティアに参加したいです！🙏"  # noqa: RUF001
    assert m.lang == "ja"
    favourite = parse("mastodon", "mastodon_notification_favourite.json")
    assert favourite.mentions == []
    assert [r.reason for r in favourite.rejected] == ["not_a_mention"]


def test_mastodon_stream_update_edit_boost_delete() -> None:
    result = parse("mastodon", "mastodon_stream.sse")
    kinds = [(m.id, m.kind) for m in result.mentions]
    assert kinds == [
        ("mastodon:113456789100000001", "post"),
        ("mastodon:113456789100000001", "edit"),
        ("mastodon:113456789100000002", "repost"),
        ("mastodon:113456789100000001", "delete"),
    ]
    post, edit, boost, delete = result.mentions
    assert post.text == "شكرا @openhart على المساعدة"
    assert post.lang == "ar"
    assert edit.text == "شكرا جزيلا @openhart على المساعدة"
    assert edit.edited_at == datetime(2026, 11, 20, 11, 2, 30, tzinfo=UTC)
    assert boost.from_organisation
    assert boost.thread_id == "mastodon:113456789012345678"
    assert (delete.text, delete.lang) == ("", None)
    assert sorted(r.reason for r in result.rejected) == ["invalid_json", "not_a_mention"]


def test_bluesky_jetstream_capture() -> None:
    result = parse("bluesky", "bluesky_jetstream.jsonl")
    post, reply, repost, delete, own = result.mentions
    assert post.text == (
        "Hé @openhart.bsky.social, wij willen vrijwilliger worden 🙌 meer op "
        "https://example.org/aanmelden-als-vrijwilliger #vrijwilligers\n"
        "[image] Groep vrijwilligers bij de voedselbank"
    )
    assert (
        post.id == "bluesky:at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3l3qo2vuowo2b"
    )
    assert (
        post.url == "https://bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz/post/3l3qo2vuowo2b"
    )
    assert post.lang == "nl"
    assert reply.text == "@openhart.bsky.social 我想捐款，怎么做？"  # noqa: RUF001
    assert reply.in_reply_to == f"bluesky:at://{ORG_DID}/app.bsky.feed.post/3l3parent001"
    assert reply.thread_id == f"bluesky:at://{ORG_DID}/app.bsky.feed.post/3l3root00001"
    assert (repost.kind, repost.thread_id) == ("repost", reply.thread_id)
    assert (delete.kind, delete.id, delete.text) == ("delete", post.id, "")
    assert delete.relationship_id == post.relationship_id
    assert own.from_organisation
    assert not post.from_organisation
    assert sorted(r.reason for r in result.rejected) == [
        "invalid_record",
        "not_a_mention",
        "not_a_mention",
    ]


def test_bluesky_relevance_filter() -> None:
    events, _ = bluesky.parse_events((FIXTURES / "bluesky_jetstream.jsonl").read_bytes())
    relevant = [bluesky.is_relevant(e, [ORG_DID], [], []) for e in events]
    assert relevant == [True, True, True, False, False]
    by_keyword = [bluesky.is_relevant(e, [], [], ["aanmeldingen"]) for e in events]
    assert by_keyword == [False, False, False, False, True]


def test_rss_items() -> None:
    result = parse("rss", "feed_rss.xml")
    first, second = result.mentions
    assert first.id == "rss:dorpskrant-2026-1142"
    assert first.created_at == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    assert first.author.handle == "Mieke Janssens"
    assert first.author.profile_url == "https://dorpskrant.example.nl/"
    assert "de website (https://openhart.example.nl/vrijwilligers)" in first.text
    assert "alert" not in first.text
    assert "Café ❤ open & gezellig" in first.text
    assert first.lang == "nl"
    assert second.text == "Interview met de directeur\n\nEen gesprek over giften en de toekomst."
    assert [r.reason for r in result.rejected] == ["invalid_record"]


def test_atom_entries() -> None:
    first, second = parse("atom", "feed_atom.xml").mentions
    assert first.id == "atom:urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"
    assert first.created_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert first.edited_at == datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
    assert "(mailto:pers@openhart.example.nl)" in first.text
    assert first.lang == "en"
    assert second.lang == "de"
    assert second.text == "Spendenaktion in Aachen\n\nDie Stiftung sammelt Spenden für das Projekt."


def test_webhook_batch_with_html_and_delete() -> None:
    post, html, delete = parse("webhook", "webhook_batch.json").mentions
    assert html.text == "Hoe word ik vrijwilliger?"
    assert html.thread_id == "facebook:10100"
    assert html.in_reply_to == "facebook:10150"
    assert (delete.id, delete.kind) == (post.id, "delete")


def test_hostile_xml_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]><rss><channel><title>&lol2;</title>'
        b"</channel></rss>"
    )
    [rejection] = parse_source("rss", bomb, NOW, ()).rejected
    assert rejection.reason == "invalid_xml"


@pytest.mark.parametrize(
    ("source", "raw", "reason"),
    [
        ("mastodon", b'{"id": "1", "content": "<p>x</p>"}', "invalid_record"),
        ("mastodon", b"\xff\xfe{}", "invalid_utf8"),
        ("mastodon", b"[" * 5000 + b"]" * 5000, "too_deep"),
        ("bluesky", b'{"did": "did:plc:x", "time_us": 1, "kind": "commit"}', "invalid_record"),
        ("bluesky", b"{nope", "invalid_json"),
        ("rss", b"<rss><channel><item>", "invalid_xml"),
        ("atom", b"<html/>", "invalid_record"),
        ("webhook", b"[{}]", "invalid_mention"),
    ],
)
def test_broken_records_are_rejected_with_a_reason(source: str, raw: bytes, reason: str) -> None:
    result = parse_source(source, raw, NOW, ())
    assert result.mentions == []
    assert [r.reason for r in result.rejected] == [reason]


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6)
    ),
    max_leaves=30,
)


@settings(max_examples=150)
@given(source=st.sampled_from(sorted(PARSERS)), raw=st.binary(max_size=1000))
def test_parsers_never_crash_on_bytes(source: str, raw: bytes) -> None:
    result = parse_source(source, raw, NOW, ())
    assert result.mentions or result.rejected or raw.strip() in (b"", b"[]")
    assert all(r.reason for r in result.rejected)


@settings(max_examples=150)
@given(source=st.sampled_from(["mastodon", "bluesky", "webhook"]), value=JSONISH)
def test_parsers_never_crash_on_json(source: str, value: object) -> None:
    raw = json.dumps(value).encode()
    result = parse_source(source, raw, NOW, ())
    assert result.mentions or result.rejected or value == []


def _status(text: str) -> dict[str, object]:
    status = json.loads((FIXTURES / "mastodon_status_reply.json").read_text())
    return {**status, "content": text}


@settings(max_examples=100)
@given(st.text(max_size=300), st.sampled_from(["mastodon", "bluesky"]))
def test_any_post_text_becomes_a_mention(text: str, source: str) -> None:
    if source == "mastodon":
        raw = json.dumps(_status(text)).encode()
    else:
        event = json.loads((FIXTURES / "bluesky_post.json").read_text())
        event["commit"]["record"] = {**event["commit"]["record"], "text": text}
        raw = json.dumps(event).encode()
    result = parse_source(source, raw, NOW, ())
    assert len(result.mentions) == 1, result.rejected
