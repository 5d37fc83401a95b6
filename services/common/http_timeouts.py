"""Deadlines for a request's headers and body, in uvicorn's h11 protocol itself.

uvicorn arms no timer while a request comes in: its `timeout_keep_alive` only
runs between requests and every byte received cancels it, so a client that
sends its headers or body a byte at a time holds a connection (and, for the
body, a running request) for ever. The deadlines belong where the bytes
arrive, before any ASGI app sees a request: this protocol gives a connection
`header_timeout_s` to complete its headers (from its start, or from the
previous answer) and then `body_timeout_s` to complete the body; past either,
it answers `408` (unless an answer has begun) and closes the connection. An
app waiting for the rest of the body is told the client went away.
Use: `uvicorn.Config(app, http=timed_h11(header_timeout_s, body_timeout_s))`.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from prometheus_client import Counter
from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_TIMEOUTS = Counter(
    "webcare_http_request_timeouts_total",
    "Connections closed with 408 because a request's headers or body came too slowly.",
    ["phase"],
)
_TIMEOUT_BODY = b'{"error":"request_timeout","problems":["the request came too slowly"]}'
REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
    b"content-length: %d\r\n\r\n%s" % (len(_TIMEOUT_BODY), _TIMEOUT_BODY)
)


class TimedH11Protocol(H11Protocol):
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._phase: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _watch(self) -> None:
        """Arms the deadline of the phase the incoming request is in, once per phase."""
        state = self.conn.their_state
        phase = "headers" if state is h11.IDLE else "body" if state is h11.SEND_BODY else None
        if self.transport.is_closing():
            phase = None
        if phase == self._phase:
            return
        self._disarm()
        self._phase = phase
        if phase is not None:
            timeout = self.header_timeout_s if phase == "headers" else self.body_timeout_s
            self._deadline = self.loop.call_later(timeout, self._too_slow, phase)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._phase = None

    def _too_slow(self, phase: str) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        REQUEST_TIMEOUTS.labels(phase=phase).inc()
        cycle = self.cycle if phase == "body" else None
        if cycle is None or not cycle.response_started:
            self.transport.write(REQUEST_TIMEOUT)
        if cycle is not None and not cycle.response_complete:
            # the app's next receive() answers http.disconnect; what it sends is dropped
            cycle.disconnected = True
            cycle.message_event.set()
        self.transport.close()


def timed_h11(header_timeout_s: float, body_timeout_s: float) -> type[TimedH11Protocol]:
    """The protocol class with these deadlines, for `uvicorn.Config(http=...)`."""
    return type(
        "TimedH11Protocol",
        (TimedH11Protocol,),
        {"header_timeout_s": header_timeout_s, "body_timeout_s": body_timeout_s},
    )
