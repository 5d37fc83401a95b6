"""Local HTTP servers that speak Mastodon's REST API, an atproto PDS's XRPC and a webhook
receiver, and fail on demand (429 with Retry-After, 500, a hang past the timeout, a reset).

Mastodon: `/api/v2/instance`, `verify_credentials`, `GET /api/v1/statuses/:id`,
`POST /api/v1/statuses` with its Idempotency-Key (the same key answers the same status,
until `forget_keys()` plays the hour Mastodon keeps them), and an account's statuses.
PDS: `createSession`, `refreshSession` (access tokens expire with `expire_sessions()`),
`getRecord`, `describeRepo`, `createRecord` with a conflict on an existing record key.
Webhook: records every request and answers a repeated `X-Webcare-Event-Id` with the first
answer, as a receiver that deduplicates does.
"""

from __future__ import annotations

import html
import json
import secrets
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Failure:
    status: int = 500  # 0: hang for `hang_s`; -1: close the connection without an answer
    retry_after: str | None = None
    hang_s: float = 0.0


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FakeServer:
    """The common part: a threaded server, a log of calls, queued failures per path prefix."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.calls: list[Call] = []
        self.failures: deque[tuple[str, Failure]] = deque()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, path_prefix: str, *failures: Failure) -> None:
        with self.lock:
            self.failures.extend((path_prefix, f) for f in failures)

    def _failure_for(self, method: str, path: str) -> Failure | None:
        with self.lock:
            for entry in list(self.failures):
                prefix, failure = entry
                if f"{method} {path}".startswith(prefix) or path.startswith(prefix):
                    self.failures.remove(entry)
                    return failure
        return None

    def route(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        raise NotImplementedError

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parsed = urlparse(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with fake.lock:
                    fake.calls.append(Call(method, parsed.path, headers, body))
                failure = fake._failure_for(method, parsed.path)
                if failure is not None:
                    if failure.status == -1:
                        self.connection.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                        )
                        self.close_connection = True
                        return
                    if failure.status == 0:
                        time.sleep(failure.hang_s)
                        self.close_connection = True
                        return
                    extra = {"Retry-After": failure.retry_after} if failure.retry_after else {}
                    self._send(failure.status, {"error": "injected failure"}, extra)
                    return
                query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                status, payload, extra = fake.route(method, parsed.path, query, headers, body)
                self._send(status, payload, extra)

            def _send(self, status: int, payload: Any, extra: dict[str, str]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

        return Handler


@dataclass
class Status:
    id: str
    account_id: str
    text: str
    visibility: str
    in_reply_to_id: str | None
    url: str

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uri": self.url,
            "url": self.url,
            "content": f"<p>{html.escape(self.text)}</p>",
            "visibility": self.visibility,
            "in_reply_to_id": self.in_reply_to_id,
            "account": {"id": self.account_id},
        }


class FakeMastodon(FakeServer):
    OWN_ID = "109000000000000001"

    def __init__(self, token: str = "mastodon-token", max_characters: int = 500) -> None:
        super().__init__()
        self.token = token
        self.max_characters = max_characters
        self.statuses: dict[str, Status] = {}
        self.keys: dict[str, str] = {}  # Idempotency-Key -> status id
        self.next_id = 110_000_000_000_000_000
        self.posted = threading.Event()  # set when a reply is stored
        self.hold_answer_s = 0.0  # stores the post, then waits this long before answering

    def add_status(self, status_id: str, visibility: str = "public") -> None:
        self.statuses[status_id] = Status(
            status_id, "author-1", "Waar blijft mijn bedankbrief?", visibility, None, ""
        )

    def replies(self) -> list[Status]:
        with self.lock:
            return [s for s in self.statuses.values() if s.account_id == self.OWN_ID]

    def forget_keys(self) -> None:
        """What an hour does to Mastodon's idempotency cache."""
        with self.lock:
            self.keys.clear()

    def route(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        if path == "/api/v2/instance":
            return (
                200,
                {"configuration": {"statuses": {"max_characters": self.max_characters}}},
                {},
            )
        if headers.get("authorization") != f"Bearer {self.token}":
            return 401, {"error": "The access token is invalid"}, {}
        if path == "/api/v1/accounts/verify_credentials":
            return 200, {"id": self.OWN_ID, "acct": "openhart"}, {}
        if path == f"/api/v1/accounts/{self.OWN_ID}/statuses":
            own = sorted(self.replies(), key=lambda s: int(s.id), reverse=True)
            return 200, [s.json() for s in own[: int(query.get("limit", 20))]], {}
        if method == "GET" and path.startswith("/api/v1/statuses/"):
            found = self.statuses.get(path.rsplit("/", 1)[1])
            return (200, found.json(), {}) if found else (404, {"error": "Record not found"}, {})
        if method == "POST" and path == "/api/v1/statuses":
            return self._post(json.loads(body), headers.get("idempotency-key"))
        return 404, {"error": "not found"}, {}

    def _post(self, data: dict[str, Any], key: str | None) -> tuple[int, Any, dict[str, str]]:
        text = str(data.get("status", ""))
        if len(text) > self.max_characters:
            return 422, {"error": "Validation failed: Text character limit exceeded"}, {}
        parent = data.get("in_reply_to_id")
        if parent is not None and parent not in self.statuses:
            return 404, {"error": "Record not found"}, {}
        with self.lock:
            if key and key in self.keys:
                return 200, self.statuses[self.keys[key]].json(), {}
            self.next_id += 1
            status = Status(
                str(self.next_id),
                self.OWN_ID,
                text,
                str(data.get("visibility", "public")),
                parent,
                f"https://mastodon.example/@openhart/{self.next_id}",
            )
            self.statuses[status.id] = status
            if key:
                self.keys[key] = status.id
        self.posted.set()
        if self.hold_answer_s:
            time.sleep(self.hold_answer_s)
        return 200, status.json(), {}


@dataclass
class PdsAccount:
    handle: str
    did: str
    password: str


@dataclass
class FakePds(FakeServer):
    accounts: list[PdsAccount] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()
        self.records: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.access: dict[str, str] = {}  # token -> did
        self.refresh: dict[str, str] = {}
        self.sessions_created = 0
        self.refreshed = 0
        self.posted = threading.Event()
        self.hold_answer_s = 0.0

    def add_post(self, did: str, rkey: str, text: str, reply: dict[str, Any] | None = None) -> str:
        value: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text}
        if reply:
            value["reply"] = reply
        uri = f"at://{did}/app.bsky.feed.post/{rkey}"
        self.records[(did, "app.bsky.feed.post", rkey)] = {
            "uri": uri,
            "cid": "bafy" + secrets.token_hex(8),
            "value": value,
        }
        return uri

    def posts_by(self, did: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r for (repo, _, _), r in self.records.items() if repo == did]

    def expire_sessions(self) -> None:
        with self.lock:
            self.access.clear()

    def _session(self, did: str) -> dict[str, Any]:
        access, refresh = secrets.token_hex(8), secrets.token_hex(8)
        self.access[access] = did
        self.refresh[refresh] = did
        handle = next(a.handle for a in self.accounts if a.did == did)
        return {"accessJwt": access, "refreshJwt": refresh, "did": did, "handle": handle}

    def route(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        bearer = headers.get("authorization", "").removeprefix("Bearer ")
        name = path.removeprefix("/xrpc/")
        with self.lock:
            if name == "com.atproto.server.createSession":
                data = json.loads(body)
                for account in self.accounts:
                    if (
                        data.get("identifier") in (account.handle, account.did)
                        and data.get("password") == account.password
                    ):
                        self.sessions_created += 1
                        return 200, self._session(account.did), {}
                return 401, {"error": "AuthenticationRequired", "message": "Invalid password"}, {}
            if name == "com.atproto.server.refreshSession":
                did = self.refresh.pop(bearer, None)
                if did is None:
                    return 400, {"error": "ExpiredToken", "message": "Token has expired"}, {}
                self.refreshed += 1
                return 200, self._session(did), {}
            did = self.access.get(bearer)
            if did is None:
                return 400, {"error": "ExpiredToken", "message": "Token has expired"}, {}
            if name == "com.atproto.repo.getRecord":
                key = (query["repo"], query["collection"], query["rkey"])
                record = self.records.get(key)
                if record is None:
                    return (
                        400,
                        {"error": "RecordNotFound", "message": "Could not locate record"},
                        {},
                    )
                return 200, record, {}
            if name == "com.atproto.repo.describeRepo":
                for account in self.accounts:
                    if query.get("repo") in (account.did, account.handle):
                        return 200, {"handle": account.handle, "did": account.did}, {}
                return 400, {"error": "RepoNotFound"}, {}
            if name == "com.atproto.repo.createRecord":
                data = json.loads(body)
                if data["repo"] != did:
                    return 401, {"error": "InvalidToken", "message": "not your repo"}, {}
                key = (did, data["collection"], data["rkey"])
                if key in self.records:
                    return 400, {"error": "InvalidRequest", "message": "Record already exists"}, {}
                uri = f"at://{did}/{data['collection']}/{data['rkey']}"
                self.records[key] = {
                    "uri": uri,
                    "cid": "bafy" + secrets.token_hex(8),
                    "value": data["record"],
                }
                answer = {"uri": uri, "cid": self.records[key]["cid"]}
        if name == "com.atproto.repo.createRecord":
            self.posted.set()
            if self.hold_answer_s:
                time.sleep(self.hold_answer_s)
            return 200, answer, {}
        return 404, {"error": "MethodNotImplemented"}, {}


class FakeWebhookReceiver(FakeServer):
    """Posts replies it gets once per event id, as a deduplicating receiver does."""

    def __init__(self) -> None:
        super().__init__()
        self.delivered: dict[str, dict[str, Any]] = {}

    def route(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        event_id = headers.get("x-webcare-event-id", "")
        with self.lock:
            if event_id not in self.delivered:
                self.delivered[event_id] = {
                    "id": f"hook-{len(self.delivered) + 1}",
                    "url": f"https://forum.example/replies/{len(self.delivered) + 1}",
                    "body": json.loads(body),
                    "signature": headers.get("x-webcare-signature"),
                }
            answer = self.delivered[event_id]
        return 200, {"id": answer["id"], "url": answer["url"]}, {}
