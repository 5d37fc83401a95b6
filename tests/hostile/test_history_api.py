"""Hostile requests on the history API: bad keys, bad bodies, bad query parameters, forged and
huge cursors, injection in search. Each gets a clear 4xx (or an ordinary answer for text that
is only odd); none gets a 5xx, and the API answers normally afterwards."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from tests.hostile.corpus import BAD_BODIES, HOSTILE_TEXTS, good_mention
from tests.hostile.helpers import AUTH, api_get, in_history, post_mentions
from tests.support.pipeline import Pipeline

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.e2e]


def forged(key: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


CURSORS = {
    "garbage": "not a cursor",
    "bad_base64": "!!!!",
    "base64_of_bytes": base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
    "huge": "A" * 20_000,  # over the 2,000 allowed; httpx sends at most 64 KiB of URL
    "just_long": "QUFB" * 450,
    "wrong_length": forged(["2026-11-20T09:15:00+00:00"]),
    "numbers": forged([1, 2, 3]),
    "nulls2": forged([None, None]),
    "nulls3": forged([None, None, None]),
    "objects2": forged([{"a": 1}, ["b"]]),
    "objects3": forged([{"a": 1}, ["b"], {"c": None}]),
    "bad_date2": forged(["9999-99-99", "x:1"]),
    "naive_date2": forged(["2026-11-20T09:15:00", "x:1"]),
    "far_date2": forged(["0001-01-01T00:00:00-14:00", "x:1"]),
    "huge_number1": forged([10**40]),
    "float1": forged([1e308]),
    "bool1": forged([True]),
    "string1": forged(["1; DROP TABLE audit_log"]),
    "sql3": forged(["' OR 1=1 --", 1, "x"]),
}

SEARCH_PARAMS = [
    {"limit": "-1"},
    {"limit": "0"},
    {"limit": "abc"},
    {"limit": "1" + "0" * 40},
    {"since": "not a date"},
    {"since": "99999-01-01T00:00:00Z"},
    {"since": "0001-01-01T00:00:00-14:00"},
    {"until": "9999-12-31T23:59:59+14:00"},
    {"since": "2026-13-45"},
    {"sentiment": "evil"},
    {"status": "'; DROP TABLE mentions; --"},
    {"topic": "' OR 1=1 --"},
    {"department": "../../etc/passwd"},
    {"channel": "<script>"},
    {"lang": "x" * 100},
    {"q": "x" * 10_000},
    {"q": "\x00"},
    {"q": "a\x00b"},
    {"q": "\ud800".encode("utf-8", "surrogatepass").decode("latin-1")},
    {"q": "% _ \\ %%"},
    {"q": '!@#$%^&*()<>?:"{}|'},
    {"q": "& | ! ( ) : *"},
    {"q": "\u202e\u200b\ufeff"},
    *({"q": value} for value in HOSTILE_TEXTS.values() if len(value) < 500),
]

ACTION_BODIES = {
    "not_json": b"{not json",
    "invalid_utf8": b'{"note": "\xff\xfe"}',
    "deep": b"[" * 50_000 + b"]" * 50_000,
    "wrong_type": b'{"text": 42, "channel": ["x"]}',
    "topics_not_list": b'{"topics": "fundraising"}',
    "topics_nested": b'{"topics": [[["a"]]]}',
    "huge_note": json.dumps({"note": "n" * 2_000_000}).encode(),
    "nul": b'{"note": "a\\u0000b", "text": "a\\u0000b", "channel": "x"}',
    "lone_surrogate": b'{"note": "\\ud800", "text": "\\udfff", "channel": "x"}',
    "null": b"null",
    "list": b"[]",
}


def test_history_api_never_answers_5xx(hostile: Pipeline) -> None:
    answer = post_mentions(hostile, good_mention(1, "api"))
    assert answer.status_code == 202, answer.text
    [mention_id] = answer.json()["ids"]
    record = in_history(hostile, [mention_id])[mention_id]
    relationship = record["relationship_id"]
    department = record["departments"][0]["department"]
    api = hostile.api_url
    seen: list[tuple[str, int]] = []

    def check(response: httpx.Response, what: str, client_error: bool = True) -> None:
        seen.append((what, response.status_code))
        assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
        if client_error:
            assert 400 <= response.status_code < 500, f"{what}: {response.status_code}"
            if response.headers.get("content-type", "").startswith("application/json"):
                assert response.json(), what  # says what is wrong

    # keys: missing, malformed, huge, forged
    for header in (
        None,
        "Bearer",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer " + "k" * 100_000,
        "Bearer wck_' OR '1'='1_x",
        "Bearer wck_\u202e_x".encode(),  # not ASCII
        b"Bearer \xff\xfe",
    ):
        headers = {"Authorization": header} if header is not None else {}
        try:
            response = httpx.get(f"{api}/v1/search", headers=headers, timeout=30)
        except (httpx.RemoteProtocolError, httpx.LocalProtocolError):
            continue  # the server may close on a header over its limit: that is a refusal too
        except httpx.ReadError:
            # ... and closing with the oversized header still unread resets the connection
            # (ECONNRESET, seen in CI) instead: the same refusal, told by TCP; for any other
            # header a reset is a failure
            if header is None or len(header) < 65_536:
                raise
            continue
        check(response, f"auth {header!r:.40}")
        assert response.status_code in (400, 401, 431), header

    # forged and huge cursors on every paged endpoint
    paged = [
        "/v1/search",
        f"/v1/departments/{department}/queue",
        f"/v1/relationships/{relationship}/conversation",
        "/v1/audit",
    ]
    for path in paged:
        for name, cursor in CURSORS.items():
            # a forged cursor of the right shape is only a place in the list: any page will do
            check(api_get(hostile, path, cursor=cursor), f"{path} cursor {name}", False)
        for name in ("garbage", "bad_base64", "huge", "wrong_length", "objects2"):
            check(api_get(hostile, path, cursor=CURSORS[name]), f"{path} cursor {name}")

    # bad and odd query parameters
    for params in SEARCH_PARAMS:
        odd_text_only = set(params) == {"q"} and len(params["q"]) <= 500
        # the first and last moments a datetime can hold are odd, not wrong
        odd_text_only |= any(str(v)[:4] in ("0001", "9999") for v in params.values())
        check(api_get(hostile, "/v1/search", **params), f"search {params!r:.60}", not odd_text_only)
    for params in ({"since": "x"}, {"since": "2026-01-01", "until": "1900-01-01"}, {"until": "-1"}):
        check(api_get(hostile, "/v1/kpis", **params), f"kpis {params}", client_error=False)
    check(api_get(hostile, f"/v1/departments/{department}/queue", state="evil"), "queue state")
    # raw query strings: invalid UTF-8, NUL, broken escapes
    for query in ("q=%ff%fe", "q=%00", "q=%", "q=%zz", "limit=%ff", "cursor=%ff%00", "q&q&q"):
        response = httpx.get(f"{api}/v1/search?{query}", headers=AUTH, timeout=30)
        check(response, f"raw query {query}", client_error=False)

    # odd ids in paths: not found, never a crash
    for odd in ("%00", "x:%ff%fe", "' OR 1=1 --", "<script>", "a" * 5000, "..%2f..%2fetc"):
        check(api_get(hostile, f"/v1/mentions/{odd}"), f"mention {odd:.20}")
        check(api_get(hostile, f"/v1/relationships/{odd}/conversation"), f"conv {odd:.20}")
        check(api_get(hostile, f"/v1/relationships/{odd}/profile"), f"profile {odd:.20}")

    # bad bodies on every action
    actions = [f"/v1/mentions/{mention_id}/{verb}" for verb in ("claim", "reply", "retag")]
    actions += [f"/v1/relationships/{relationship}/link", "/v1/keys"]
    for path in actions:
        for name, body in {**ACTION_BODIES, "webhook_junk": BAD_BODIES["nan"]}.items():
            response = httpx.post(
                f"{api}{path}",
                content=body,
                headers={**AUTH, "Content-Type": "application/json"},
                timeout=60,
            )
            # a claim without a note is a valid claim: "null" is its empty body
            valid = name == "null" and path.endswith("/claim")
            check(response, f"POST {path} {name}", client_error=not valid)

    # and it still answers as before
    again = api_get(hostile, f"/v1/mentions/{mention_id}")
    assert again.status_code == 200
    assert again.json()["id"] == mention_id
    assert len(seen) > 200
