"""What stops an attacker who can reach the HTTP servers: signatures that cannot be replayed,
rate limits that meet a flood while good mentions still get through, refused bodies
dead-lettered at a bounded rate, slowloris clients cut off with 408, and a cap on open event
streams. Run against one more ingest and history process with tight limits (conftest.GUARDS);
the flood comes from other loopback addresses (127.0.0.2, 127.0.0.3) than the good traffic."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time

import httpx
import pytest

from schemas import DeadLetter
from services.ingest.signatures import sign
from tests.hostile.conftest import BRIDGE_PREVIOUS, BRIDGE_SECRET, GUARD_KEYS, Guarded
from tests.hostile.corpus import good_mention
from tests.hostile.helpers import AUTH, dead_letters, in_history
from tests.support.pipeline import Pipeline

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.e2e]


def client_from(address: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


def bridge_mention(n: int, tag: str) -> bytes:
    return json.dumps({**good_mention(n, tag), "source": "bridge"}).encode()


def post_signed(client: httpx.Client, url: str, body: bytes, signature: str) -> httpx.Response:
    headers = {"Content-Type": "application/json", "X-Webcare-Signature": signature}
    return client.post(f"{url}/v1/mentions", content=body, headers=headers)


def test_replayed_stale_and_old_signatures_are_refused(hostile: Pipeline, guarded: Guarded) -> None:
    url = guarded.ingest_url
    with client_from("127.0.0.4") as client:
        body = bridge_mention(1, "signed")
        now = int(time.time())
        fresh = sign(BRIDGE_SECRET.encode(), body, now)
        assert post_signed(client, url, body, fresh).status_code == 202
        replayed = post_signed(client, url, body, fresh)
        assert replayed.status_code == 401
        assert "already used" in replayed.json()["problems"][0]

        other = bridge_mention(2, "signed")
        stale = post_signed(client, url, other, sign(BRIDGE_SECRET.encode(), other, now - 400))
        future = post_signed(client, url, other, sign(BRIDGE_SECRET.encode(), other, now + 400))
        body_only = "sha256=" + hmac.new(BRIDGE_SECRET.encode(), other, hashlib.sha256).hexdigest()
        old_format = post_signed(client, url, other, body_only)
        unsigned = client.post(f"{url}/v1/mentions", content=other)
        for answer, words in (
            (stale, "timestamp"),
            (future, "timestamp"),
            (old_format, "body-only"),
            (unsigned, "missing"),
        ):
            assert answer.status_code == 401, answer.text
            assert words in answer.json()["problems"][0]
        # a source nobody configured cannot be posted under, signed or not
        stranger = json.dumps({**good_mention(3, "signed"), "source": "stranger"}).encode()
        answer = post_signed(client, url, stranger, sign(BRIDGE_SECRET.encode(), stranger, now))
        assert answer.status_code == 401
        # during a rotation the previous secret still signs
        rotated = post_signed(client, url, other, sign(BRIDGE_PREVIOUS.encode(), other, now))
        assert rotated.status_code == 202, rotated.text
    in_history(hostile, ["bridge:signed-good-1", "bridge:signed-good-2"])


def test_a_flood_meets_the_rate_limits_while_good_mentions_get_through(
    hostile: Pipeline, guarded: Guarded
) -> None:
    started = time.time()
    dropped_before = guarded.metric(
        "webcare_ingest_dead_letters_dropped_total", reason="invalid_json"
    )
    statuses: list[int] = []
    good_ids: list[str] = []
    with client_from("127.0.0.2") as flood, client_from("127.0.0.1") as good:
        for n in range(300):
            answer = flood.post(f"{guarded.ingest_url}/v1/mentions", content=b"{not json %d" % n)
            statuses.append(answer.status_code)
            if answer.status_code == 429:
                assert int(answer.headers["Retry-After"]) >= 1
            if n % 30 == 0:  # a good mention now and then, from another address
                accepted = good.post(
                    f"{guarded.ingest_url}/v1/mentions", json=good_mention(n, "flood")
                )
                assert accepted.status_code == 202, accepted.text
                good_ids += accepted.json()["ids"]
    elapsed = time.time() - started
    refused = statuses.count(400)
    assert statuses.count(429) >= 300 - 30 - 2 * elapsed - 1, statuses
    assert refused + statuses.count(429) == 300
    # only what took a token went to the dead-letter topic; the rest was counted as dropped
    assert guarded.metric(
        "webcare_ingest_dead_letters_dropped_total", reason="invalid_json"
    ) >= dropped_before + refused - (5 + elapsed + 1)

    def flood_letters(letters: list[DeadLetter]) -> list[DeadLetter]:
        return [
            d
            for d in letters
            if d.reason == "invalid_json" and d.original().startswith(b"{not json")
        ]

    time.sleep(3)  # the writer drains what it was given
    letters = flood_letters(dead_letters(hostile, lambda found: bool(flood_letters(found))))
    assert 1 <= len(letters) <= 5 + (time.time() - started) * 1 + 1
    in_history(hostile, good_ids)


def test_a_bridge_over_its_source_rate_is_limited_and_others_are_not(guarded: Guarded) -> None:
    with client_from("127.0.0.3") as bridge, client_from("127.0.0.1") as other:
        statuses = []
        for n in range(25):
            body = bridge_mention(n, "burst")
            signature = sign(BRIDGE_SECRET.encode(), body, int(time.time()))
            statuses.append(post_signed(bridge, guarded.ingest_url, body, signature).status_code)
        assert 429 in statuses, statuses
        assert statuses.count(202) <= 15 + 2 * 5, statuses
        answer = other.post(f"{guarded.ingest_url}/v1/mentions", json=good_mention(1, "other"))
        assert answer.status_code == 202


def test_the_history_api_limits_addresses_and_keys(guarded: Guarded) -> None:
    api = guarded.api_url
    with client_from("127.0.0.2") as flood:
        statuses = [
            flood.get(f"{api}/v1/search", headers={"Authorization": f"Bearer wck_{n:012d}_x"})
            for n in range(60)
        ]
    codes = [s.status_code for s in statuses]
    assert set(codes) <= {401, 429}, codes
    assert codes.count(429) >= 60 - 40 - 2 * 5, codes
    limited = next(s for s in statuses if s.status_code == 429)
    assert int(limited.headers["Retry-After"]) >= 1
    with client_from("127.0.0.1") as admin:
        token = admin.post(
            f"{api}/v1/keys",
            headers=AUTH,
            json={"name": GUARD_KEYS[0], "kind": "operator", "scopes": ["read"]},
        ).json()["token"]
    with client_from("127.0.0.3") as keyed:
        codes = [
            keyed.get(f"{api}/v1/search", headers={"Authorization": f"Bearer {token}"}).status_code
            for _ in range(30)
        ]
    assert codes[:15] == [200] * 15
    assert 429 in codes
    with client_from("127.0.0.5") as someone_else:
        assert someone_else.get(f"{api}/v1/search", headers=AUTH).status_code == 200


def slow_request(url: str, request: bytes, trickle: bytes, within_s: float) -> tuple[bytes, float]:
    """Sends `request` at once, then `trickle` a byte every 100 ms; the answer and when."""
    host, port = url.removeprefix("http://").split(":")
    started = time.monotonic()
    answer = b""
    with socket.create_connection((host, int(port))) as conn:
        conn.settimeout(0.1)
        conn.sendall(request)
        for byte in trickle:
            try:
                conn.sendall(bytes([byte]))
                chunk = conn.recv(4096)
                answer += chunk
                if not chunk:
                    break
            except TimeoutError:
                pass
            except OSError:
                break
            if time.monotonic() - started > within_s:
                break
    return answer, time.monotonic() - started


@pytest.mark.parametrize("server", ["ingest", "history"])
@pytest.mark.parametrize("part", ["headers", "body"])
def test_slowloris_gets_408_within_the_timeout(guarded: Guarded, server: str, part: str) -> None:
    url = guarded.ingest_url if server == "ingest" else guarded.api_url
    path = "/v1/mentions" if server == "ingest" else "/v1/keys"
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    if part == "headers":
        request, trickle = b"", (head + "X-Slow: " + "a" * 200 + "\r\n\r\n").encode()
    else:
        request = (head + "Authorization: Bearer x\r\nContent-Length: 500\r\n\r\n").encode()
        trickle = b'{"source": "' + b"x" * 480
    answer, took = slow_request(url, request, trickle, within_s=15)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert took < 2 + 2, took  # the 2 s deadline, and some slack
    assert httpx.get(f"{url}/health", timeout=10).status_code == 200


def open_stream(guarded: Guarded, token: str) -> tuple[httpx.Client, httpx.Response]:
    client = httpx.Client(base_url=guarded.api_url, timeout=30)
    request = client.build_request(
        "GET", "/v1/departments/service/stream", headers={"Authorization": f"Bearer {token}"}
    )
    return client, client.send(request, stream=True)


def test_open_event_streams_are_capped_per_key_and_in_all(guarded: Guarded) -> None:
    api = guarded.api_url
    tokens = []
    for name in GUARD_KEYS[1:]:
        answer = httpx.post(
            f"{api}/v1/keys",
            headers=AUTH,
            json={"name": name, "kind": "operator", "scopes": ["read"]},
            timeout=30,
        )
        tokens.append(answer.json()["token"])
    a, b, c = tokens
    opened = []
    try:
        for token in (a, a):
            opened.append(open_stream(guarded, token))
            assert opened[-1][1].status_code == 200
        opened.append(open_stream(guarded, a))
        refused = opened[-1][1]  # closed with the rest at the end
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
        opened.append(open_stream(guarded, b))
        assert opened[-1][1].status_code == 200
        opened.append(open_stream(guarded, c))
        full = opened[-1][1]
        assert full.status_code == 503
        assert int(full.headers["Retry-After"]) >= 1
        # a stream that ends gives its slot back
        client, response = opened.pop(0)  # one of a's
        response.close()
        client.close()
        deadline = time.monotonic() + 10
        while True:
            client, again = open_stream(guarded, c)
            if again.status_code == 200 or time.monotonic() > deadline:
                break
            again.close()
            client.close()
            time.sleep(0.5)
        opened.append((client, again))
        assert again.status_code == 200
    finally:
        for client, response in opened:
            response.close()
            client.close()
