"""Real local receivers for notify's push targets: an HTTP server and an SMTP server.

Both record what they accepted and fail on demand. The HTTP server speaks what
a webhook, Slack or Teams endpoint speaks (a POST, a 2xx); it can answer 500,
answer slowly (past the client's timeout), or reset the connection. Receivers
dedupe on the idempotency key (`Idempotency-Key` header, e-mail `Message-ID`),
as notify's receiver contract asks; `raw` keeps every copy so tests can also
count duplicates.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def key(self) -> str:
        return self.headers.get("Idempotency-Key", "")


class FlakyHttpServer:
    """Answers 200 to every POST, unless told otherwise by `fail_next` or `fail_rate`.

    Behaviours: an int status (500, 429, 400...), "slow:<seconds>" (answers 200
    after the delay: a client with a shorter timeout sees a timeout, and this
    copy is not recorded as accepted), "reset" (RST, no answer).
    """

    def __init__(self) -> None:
        self.raw: list[Received] = []
        self.attempts = 0
        self.plan: deque[int | str] = deque()
        self.down = False
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def fail_next(self, *behaviours: int | str) -> None:
        with self.lock:
            self.plan.extend(behaviours)

    def received(self) -> dict[str, Received]:
        """Accepted requests deduped by idempotency key: what the receiver acts on."""
        with self.lock:
            return {r.key: r for r in self.raw}

    def wait_for_keys(self, count: int, timeout_s: float = 120.0) -> dict[str, Received]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            got = self.received()
            if len(got) >= count:
                return got
            time.sleep(0.1)
        return self.received()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # headers and body go out in two writes; without this, Nagle's algorithm and
                # the client's delayed ACK add 40 ms to every keep-alive answer
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with owner.lock:
                    owner.attempts += 1
                    behaviour: int | str = owner.plan.popleft() if owner.plan else 200
                    if owner.down:
                        behaviour = 503
                if behaviour == "reset":
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.connection.close()
                    self.close_connection = True
                    return
                if isinstance(behaviour, str) and behaviour.startswith("slow:"):
                    time.sleep(float(behaviour.split(":", 1)[1]))
                    behaviour = 599  # the client gave up; this copy never counts as accepted
                status = int(behaviour)
                if 200 <= status < 300:
                    with owner.lock:
                        owner.raw.append(Received(self.path, dict(self.headers.items()), body))
                answer = b"ok" if status < 300 else b"failing on purpose"
                try:
                    self.send_response(status if status != 599 else 200)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler

    def __enter__(self) -> FlakyHttpServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Recorder:
    def __init__(self, owner: RecordingSmtpServer) -> None:
        self.owner = owner

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.owner.lock:
            self.owner.attempts += 1
            behaviour = self.owner.plan.popleft() if self.owner.plan else 250
        if behaviour != 250:
            return f"{behaviour} failing on purpose"
        message = cast(EmailMessage, message_from_bytes(envelope.content, policy=policy.default))
        with self.owner.lock:
            self.owner.raw.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class _Authenticator:
    def __init__(self, owner: RecordingSmtpServer, user: str, password: str) -> None:
        self.owner, self.user, self.password = owner, user, password

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        user, password = data.login.decode(), data.password.decode()
        with self.owner.lock:
            self.owner.logins.append((user, bool(session.ssl)))
        return AuthResult(success=(user, password) == (self.user, self.password))


class RecordingSmtpServer:
    """A real SMTP server (aiosmtpd) that keeps every accepted message; fails with `fail_next`.

    With `login`, it offers AUTH for that (user, password) and records each login and
    whether it came over TLS (`logins`); it offers AUTH on a plain connection only with
    `plaintext_auth`. With `tls`, it offers STARTTLS.
    """

    def __init__(
        self,
        login: tuple[str, str] | None = None,
        tls: ssl.SSLContext | None = None,
        plaintext_auth: bool = False,
    ) -> None:
        self.raw: list[tuple[list[str], EmailMessage]] = []
        self.plan: deque[int] = deque()
        self.attempts = 0
        self.logins: list[tuple[str, bool]] = []
        self.lock = threading.Lock()
        port = _free_port()
        options: dict[str, Any] = {"tls_context": tls}
        if login is not None:
            options.update(authenticator=_Authenticator(self, *login))
            options.update(auth_require_tls=not plaintext_auth)
        self.controller = Controller(_Recorder(self), hostname="127.0.0.1", port=port, **options)
        self.host, self.port = "127.0.0.1", port

    def fail_next(self, *codes: int) -> None:
        with self.lock:
            self.plan.extend(codes)

    def received(self) -> dict[str, EmailMessage]:
        """Accepted messages deduped by Message-ID, as a mail client shows them."""
        with self.lock:
            return {str(m["Message-ID"]): m for _, m in self.raw}

    def wait_for(self, count: int, timeout_s: float = 120.0) -> dict[str, EmailMessage]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            got = self.received()
            if len(got) >= count:
                return got
            time.sleep(0.1)
        return self.received()

    def __enter__(self) -> RecordingSmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
