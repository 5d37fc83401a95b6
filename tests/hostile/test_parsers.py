"""Hostile platform payloads through the connector parsers, by the `parse` command a person uses
to check them: every broken record is rejected with a reason on stderr, no traceback, the good
records around it still come out, markup comes out as inert text, and XML entity tricks
(billion laughs, external entities) are refused without being expanded."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import Mention
from services.ingest.parsing import PARSERS, parse_source
from tests.conftest import REPO
from tests.hostile.corpus import CORPUS_DIR

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def parse_command(source: str, name: str) -> tuple[int, list[Mention], list[str]]:
    done = subprocess.run(
        [sys.executable, "-m", "services.ingest", "parse", "--source", source, CORPUS_DIR / name],
        cwd=REPO,
        capture_output=True,
        timeout=120,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    mentions = [Mention.model_validate_json(line) for line in done.stdout.splitlines()]
    return done.returncode, mentions, stderr.splitlines()


@pytest.mark.parametrize(
    ("source", "name", "good_ids", "rejected"),
    [
        (
            "mastodon",
            "mastodon_hostile.json",
            {"900000000000000001", "900000000000000006", "900000000000000007"},
            8,
        ),
        ("mastodon", "mastodon_broken.sse", set(), 1),  # not UTF-8: refused as a whole
        ("bluesky", "bluesky_hostile.jsonl", None, 8),
        ("rss", "rss_billion_laughs.xml", set(), 1),
        ("rss", "rss_xxe.xml", set(), 1),
        ("atom", "atom_truncated.xml", set(), 1),
        ("rss", "rss_hostile.xml", None, 2),
        ("webhook", "replay_hostile.jsonl", set(), 1),  # a webhook body is one JSON document
    ],
)
def test_hostile_platform_payloads_are_rejected_record_by_record(
    source: str, name: str, good_ids: set[str] | None, rejected: int
) -> None:
    code, mentions, problems = parse_command(source, name)
    assert len(problems) == rejected, problems
    assert all(line.startswith("rejected ") and len(line.split()) >= 3 for line in problems)
    assert code == (1 if not mentions else 0)
    if good_ids is not None:
        assert {m.external_id for m in mentions} >= good_ids
    else:
        assert mentions, "the good records around the bad ones come through"
    for mention in mentions:
        # markup is gone (text that merely reads like markup, entity-decoded, is text)
        assert "alert('x')" not in mention.text, mention.text
        assert "onerror" not in mention.text, mention.text
        assert "<p>" not in mention.text, mention.text
        assert "\x00" not in mention.text
        assert "root:" not in mention.text


def test_entity_tricks_are_refused_not_expanded() -> None:
    _, _, laughs = parse_command("rss", "rss_billion_laughs.xml")
    _, mentions, xxe = parse_command("rss", "rss_xxe.xml")
    assert laughs[0].startswith("rejected invalid_xml")
    assert xxe[0].startswith("rejected invalid_xml")
    assert not mentions


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from(sorted(PARSERS)), raw=st.binary(max_size=2000))
def test_no_bytes_make_a_parser_raise(source: str, raw: bytes) -> None:
    result = parse_source(source, raw, NOW, ())
    for rejection in result.rejected:
        assert rejection.reason


@settings(max_examples=100, deadline=None)
@given(
    source=st.sampled_from(["mastodon", "bluesky", "webhook"]),
    junk=st.sampled_from(
        [b"[" * 10_000, b'{"a":' * 5_000, b"\x00" * 100, b"\xff" * 10, b"{" + b'"k":1,' * 5000]
    ),
    prefix=st.binary(max_size=20),
)
def test_deep_and_broken_documents_are_rejected(source: str, junk: bytes, prefix: bytes) -> None:
    result = parse_source(source, prefix + junk, NOW, ())
    assert result.rejected or result.mentions == []
