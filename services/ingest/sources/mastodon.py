"""Mastodon: Status and Notification entities, REST pages of them, and streaming events.

Wire formats (docs.joinmastodon.org): the streaming API sends server-sent
events `update` (a Status), `status.update` (an edited Status), `notification`
(a Notification; only `mention` ones are mentions) and `delete` (just the
status id); REST `GET /api/v1/notifications` and the timelines answer with
JSON arrays of the same entities. Status `content` is HTML.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from services.ingest.normalise import IncomingMention
from services.ingest.sources.base import (
    NOT_A_MENTION,
    Parsed,
    RecordError,
    incoming,
    load_json,
    obj,
    text_field,
)

SOURCE = "mastodon"
EVENTS = {"update", "status.update", "notification", "delete"}


def _handle(account: dict[str, Any]) -> str:
    """`acct` is bare (`anna`) for local accounts; qualify it with the account's host."""
    acct = text_field(account, "acct", "account") or ""
    if "@" in acct:
        return acct
    host = urlsplit(str(account.get("url") or "")).hostname
    return f"{acct}@{host}" if host else acct


def _media_lines(status: dict[str, Any]) -> list[str]:
    lines = []
    for media in status.get("media_attachments") or []:
        if isinstance(media, dict):
            what = media.get("type") if isinstance(media.get("type"), str) else "media"
            desc = media.get("description") if isinstance(media.get("description"), str) else ""
            url = media.get("url") if isinstance(media.get("url"), str) else ""
            lines.append(f"<p>[{what}] {desc} {url}</p>".replace("  ", " "))
    return lines


def status_mention(status_value: Any, kind: str = "post") -> IncomingMention:
    """A Status entity as a mention; a boost (`reblog`) is a repost of the boosted status."""
    status = obj(status_value, "status")
    account = obj(status.get("account"), "status.account")
    reblog = status.get("reblog")
    shown = obj(reblog, "status.reblog") if reblog is not None else status
    content = shown.get("content")
    if not isinstance(content, str):
        raise RecordError("invalid_record", "status.content: expected a string")
    spoiler = shown.get("spoiler_text")
    html = "".join(
        ([f"<p>CW: {spoiler}</p>"] if isinstance(spoiler, str) and spoiler else [])
        + [content]
        + _media_lines(shown)
    )
    followers = account.get("followers_count")
    return incoming(
        {
            "source": SOURCE,
            "external_id": text_field(status, "id", "status"),
            "author": {
                "id": text_field(account, "id", "account"),
                "handle": _handle(account),
                "display_name": account.get("display_name") or None,
                "profile_url": account.get("url"),
                "followers": followers if isinstance(followers, int) else None,
            },
            "text": html,
            "html": True,
            "created_at": status.get("created_at"),
            "url": status.get("url") or status.get("uri"),
            "in_reply_to": shown.get("in_reply_to_id") if reblog is None else None,
            "thread_root": reblog.get("id") if isinstance(reblog, dict) else None,
            "lang": shown.get("language"),
            "kind": "repost" if reblog is not None else kind,
            "edited_at": status.get("edited_at") if kind == "edit" else None,
        }
    )


def notification_mention(value: Any) -> IncomingMention:
    notification = obj(value, "notification")
    kind = notification.get("type")
    if kind != "mention":
        raise RecordError(NOT_A_MENTION, f"notification of type {kind!r}")
    return status_mention(notification.get("status"))


def entity_mention(value: Any) -> IncomingMention:
    """A Status or a Notification, told apart as the API documents them."""
    record = obj(value, "entity")
    if "content" in record:
        return status_mention(record)
    if "type" in record:
        return notification_mention(record)
    raise RecordError("invalid_record", "neither a Status (content) nor a Notification (type)")


def delete_mention(status_id: str, now: datetime) -> IncomingMention:
    status_id = status_id.strip()
    if not status_id or len(status_id) > 200:
        raise RecordError("invalid_record", "delete: expected a status id")
    return incoming({"source": SOURCE, "external_id": status_id, "kind": "delete"})


def event_mention(event: str, data: str, now: datetime) -> IncomingMention:
    """One streaming event (`event:` name, `data:` payload) as a mention."""
    if event == "delete":
        return delete_mention(data, now)
    if event not in EVENTS:
        raise RecordError(NOT_A_MENTION, f"streaming event {event!r}")
    value = load_json(data.encode())
    if event == "notification":
        return notification_mention(value)
    return status_mention(value, "edit" if event == "status.update" else "post")


def sse_events(text: str) -> Iterator[tuple[str, str]]:
    """(event, data) pairs of a server-sent event stream; comments (`:thump`) are skipped."""
    event, data = "message", list[str]()
    for line in [*text.splitlines(), ""]:
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", list[str]()
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)


def parse(raw: bytes, now: datetime) -> Parsed:
    """A Status, a Notification, a JSON array of them, or an SSE capture of the stream."""
    parsed = Parsed()
    stripped = raw.lstrip()
    if stripped[:1] in (b"{", b"["):
        try:
            value = load_json(raw)
        except RecordError as err:
            return parsed.reject(err.reason, err.detail, raw)
        for item in value if isinstance(value, list) else [value]:
            try:
                parsed.mentions.append(entity_mention(item))
            except RecordError as err:
                parsed.reject(
                    err.reason, err.detail, json.dumps(item, ensure_ascii=False)[:4000].encode()
                )
        return parsed
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return parsed.reject("invalid_utf8", str(err), raw)
    events = list(sse_events(text))
    if not events:
        return parsed.reject("invalid_record", "neither JSON nor server-sent events", raw)
    for event, data in events:
        try:
            parsed.mentions.append(event_mention(event, data, now))
        except RecordError as err:
            parsed.reject(err.reason, err.detail, f"event: {event}\ndata: {data}".encode())
    return parsed


class SseDecoder:
    """Incremental server-sent-events decoder for a byte stream read in arbitrary chunks."""

    def __init__(self, max_event_bytes: int = 10 * 1024 * 1024) -> None:
        self._buffer = ""
        self._pending = b""
        self.max_event_bytes = max_event_bytes

    def feed(self, chunk: bytes) -> list[tuple[str, str]]:
        """Complete events so far; raises RecordError on an event too large to be real."""
        data = self._pending + chunk
        try:
            text = data.decode("utf-8")
            self._pending = b""
        except UnicodeDecodeError as err:
            # A chunk may end inside a multi-byte character: keep the tail for the next one.
            text = data[: err.start].decode("utf-8", "replace")
            self._pending = data[err.start :]
            if len(self._pending) > 4:
                self._pending = b""
                raise RecordError("invalid_utf8", str(err)) from err
        self._buffer += text.replace("\r\n", "\n").replace("\r", "\n")
        events: list[tuple[str, str]] = []
        while "\n\n" in self._buffer:
            block, self._buffer = self._buffer.split("\n\n", 1)
            events.extend(sse_events(block))
        if len(self._buffer) > self.max_event_bytes:
            self._buffer = ""
            raise RecordError("too_large", f"an event over {self.max_event_bytes} bytes")
        return events


def notification_id(data: str) -> str | None:
    """The id of a streamed Notification, the connector's cursor."""
    try:
        value = load_json(data.encode())
    except RecordError:
        return None
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


def newer(a: str | None, b: str | None) -> str | None:
    """The newer of two Mastodon ids (numeric strings, compared as numbers)."""
    if a is None or b is None:
        return a or b
    key = lambda x: (len(x), x)  # noqa: E731 - ids are digit strings without leading zeros
    return max(a, b, key=key)
