"""The hostile-input corpus: bytes no entry point may choke on, and mentions that must stay inert.

`BAD_BODIES` are refused outright (not JSON, not a mention, too big, too deep);
`HOSTILE_TEXTS` and `HOSTILE_HANDLES` are valid mentions whose text or handle
attacks whatever stores or shows them later (SQL, HTML, script, unicode tricks),
so they must be accepted and come out byte for byte as they went in. Static
samples of the platform formats live next to this file in `corpus/`.
"""

from __future__ import annotations

import json
from pathlib import Path

CORPUS_DIR = Path(__file__).parent / "corpus"


def good_mention(n: int, tag: str) -> dict[str, object]:
    """A plain, valid webhook mention; the suites interleave these with the bad ones."""
    return {
        "source": "x",
        "external_id": f"{tag}-good-{n}",
        "author": {"id": f"{tag}-{n}", "handle": f"good_{n}"},
        "text": f"Ik wil graag vrijwilliger worden, bericht {n}",
        "created_at": "2026-11-20T09:15:00Z",
    }


def _valid(**overrides: object) -> dict[str, object]:
    base = good_mention(0, "bad")
    base.update(overrides)
    return base


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# name -> body; every one must get a 4xx from the webhook (and a dead letter), never a 5xx.
BAD_BODIES: dict[str, bytes] = {
    "empty": b"",
    "whitespace": b"  \n\t ",
    "truncated_json": b'{"source": "x", "external_id": "1", "author": {"id"',
    "trailing_garbage": json.dumps(_valid()).encode() + b"}}}",
    "single_quotes": b"{'source': 'x'}",
    "nan": b'{"source": "x", "external_id": NaN}',
    "bare_string": b'"hello"',
    "bare_number": b"12345",
    "null": b"null",
    "true": b"true",
    "invalid_utf8": b'{"source": "x", "text": "\xff\xfe\xc3\x28"}',
    "utf16_bom": '{"source": "x"}'.encode("utf-16"),
    "nul_bytes_outside_strings": b'{"source": "x"\x00, "external_id": "1"}',
    "deep_nesting_list": _nested(100_000),
    "deep_nesting_object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "deep_nesting_in_author": json.dumps(_valid(author={"id": "1", "handle": "h"}))
    .replace('"handle": "h"', '"handle": ' + "[" * 5000 + "]" * 5000)
    .encode(),
    "empty_object": b"{}",
    "empty_list": b"[]",
    "list_of_nulls": b"[null, null]",
    "list_of_numbers": b"[1, 2, 3]",
    "missing_source": json.dumps({k: v for k, v in _valid().items() if k != "source"}).encode(),
    "wrong_type_source": json.dumps(_valid(source=42)).encode(),
    "wrong_type_text": json.dumps(_valid(text={"nested": True})).encode(),
    "wrong_type_author": json.dumps(_valid(author="somebody")).encode(),
    "wrong_type_followers": json.dumps(
        _valid(author={"id": "1", "handle": "h", "followers": "many"})
    ).encode(),
    "negative_followers": json.dumps(
        _valid(author={"id": "1", "handle": "h", "followers": -5})
    ).encode(),
    "huge_followers": b'{"source":"x","external_id":"1","author":{"id":"1","handle":"h",'
    b'"followers":1' + b"0" * 5000 + b'},"text":"t","created_at":"2026-11-20T09:15:00Z"}',
    "bad_date": json.dumps(_valid(created_at="yesterday")).encode(),
    "date_out_of_range": json.dumps(_valid(created_at="99999-01-01T00:00:00Z")).encode(),
    "date_as_number": json.dumps(_valid(created_at=1e300)).encode(),
    "unknown_source_chars": json.dumps(_valid(source="x'; DROP TABLE mentions;--")).encode(),
    "external_id_empty": json.dumps(_valid(external_id="")).encode(),
    "external_id_huge": json.dumps(_valid(external_id="9" * 100_000)).encode(),
    "text_too_long": json.dumps(_valid(text="a" * 900_000)).encode(),
    "lone_surrogate_escape": json.dumps(_valid()).replace('"bad-good-0"', '"\\ud800"').encode(),
    "lone_surrogate_in_text": json.dumps(_valid()).replace("bericht 0", "\\udfff bericht").encode(),
    "bad_kind": json.dumps(_valid(kind="explode")).encode(),
    "batch_with_one_bad": json.dumps([good_mention(9_999, "bad"), _valid(source=None)]).encode(),
}

# Bodies over the webhook's size limit (WEBCARE_INGEST_MAX_BODY_BYTES, 1 MiB by default).
HUGE_BODY = b'{"source": "x", "text": "' + b"A" * (3 * 1024 * 1024) + b'"}'


def oversized_batch(count: int) -> bytes:
    return json.dumps([good_mention(n, "oversized") for n in range(count)]).encode()


# Valid mentions whose content attacks later readers; each must be stored verbatim.
HOSTILE_TEXTS: dict[str, str] = {
    "sql_quote": "Robert'); DROP TABLE mentions;-- ik wil doneren",
    "sql_union": "' UNION SELECT key_hash, NULL FROM api_keys --",
    "sql_like": "100% korting_ op \\ alles %%",
    "html_script": "<script>alert('xss')</script> vrijwilliger <b>worden</b>",
    "html_img": '<img src=x onerror="alert(1)"> & &amp; &lt;',
    "template": "{{7*7}} ${7*7} <%= 7*7 %> #{7*7}",
    "rtl_override": "Doneer hier \u202egnp.exe\u202c nu",
    "zero_width": "vrij\u200bwil\u200cliger\u200d worden\ufeff",
    "combining": "Z\u0351\u0308\u0301a\u0363lgo\u0310 donatie",
    "emoji_astral": "Bedankt! \U0001f496\U0001f3f3\ufe0f\u200d\U0001f308 \U00010348",
    "control_chars": "regel1\r\nregel2\tkolom\x0b\x0c\x1b[31mrood\x1b[0m\x07",
    "nul_in_text": "voor\x00na",
    "newlines_only": "\n\n\n",
    "long_word": "x" * 20_000,
    "json_in_text": '{"source": "x", "external_id": "injected"}',
    "path_traversal": "../../../../etc/passwd %2e%2e%2f",
    "crlf_header": "hoi\r\nX-Injected: 1\r\n\r\n<html>",
    "slack_ping": "<!channel> <@U0123> <https://evil.example|klik hier>",
}

HOSTILE_HANDLES: dict[str, str] = {
    "sql": "x' OR '1'='1",
    "html": "<svg onload=alert(1)>",
    "rtl": "\u202eedcba",
    "zero_width": "an\u200bna",
    "nul": "an\x00na",
}
