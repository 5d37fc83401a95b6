"""Bluesky: Jetstream events (JSON over a WebSocket, one event per message).

Wire format (github.com/bluesky-social/jetstream): `{"did", "time_us",
"kind": "commit"|"identity"|"account", "commit": {"rev", "operation":
"create"|"update"|"delete", "collection", "rkey", "record"?, "cid"?}}`.
Posts are `app.bsky.feed.post` records (`text`, `createdAt`, `langs`,
`reply.{root,parent}.uri`, `facets` with byte ranges for mentions, links and
tags, `embed`); reposts are `app.bsky.feed.repost` (`subject.uri`).
`time_us` is the cursor a restarted connector resumes from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.ingest.normalise import IncomingMention
from services.ingest.sources.base import (
    NOT_A_MENTION,
    Parsed,
    RecordError,
    from_micros,
    incoming,
    load_json,
    obj,
    text_field,
)

SOURCE = "bluesky"
POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
COLLECTIONS = (POST, REPOST)


@dataclass(frozen=True)
class JetstreamEvent:
    """The parts of an event the connector needs besides the mention: cursor and mentioned DIDs."""

    time_us: int
    mention: IncomingMention
    mentioned_dids: frozenset[str]
    links: tuple[str, ...]


def _features(record: dict[str, Any]) -> Iterable[tuple[int, int, dict[str, Any]]]:
    for facet in record.get("facets") or []:
        if not isinstance(facet, dict) or not isinstance(facet.get("index"), dict):
            continue
        start, end = facet["index"].get("byteStart"), facet["index"].get("byteEnd")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
            continue
        for feature in facet.get("features") or []:
            if isinstance(feature, dict):
                yield start, end, feature


def _text_with_links(record: dict[str, Any]) -> str:
    """Post text with each link facet's shortened label replaced by the full URI.

    Facet ranges count UTF-8 bytes, not characters, so the text is edited as bytes.
    """
    text = record.get("text")
    if not isinstance(text, str):
        raise RecordError("invalid_record", "record.text: expected a string")
    data = text.encode("utf-8")
    links = sorted(
        (start, end, f["uri"])
        for start, end, f in _features(record)
        if f.get("$type") == "app.bsky.richtext.facet#link" and isinstance(f.get("uri"), str)
    )
    for start, end, uri in reversed(links):
        if end <= len(data) and data[start:end].decode("utf-8", "replace") != uri:
            data = data[:start] + uri.encode() + data[end:]
    body = data.decode("utf-8", "replace")
    embed_value = record.get("embed")
    embed: dict[str, Any] = embed_value if isinstance(embed_value, dict) else {}
    extra = []
    for image in embed.get("images") or []:
        if isinstance(image, dict) and isinstance(image.get("alt"), str) and image["alt"]:
            extra.append(f"[image] {image['alt']}")
    external = embed.get("external")
    if isinstance(external, dict) and isinstance(external.get("uri"), str):
        extra.append(f"[link] {external.get('title') or ''} {external['uri']}".replace("  ", " "))
    return "\n".join([body, *extra]) if extra else body


def _uri(record: dict[str, Any], *path: str) -> str | None:
    value: Any = record
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) else None


def event_mention(value: Any) -> JetstreamEvent:
    """One Jetstream event as a mention; likes, follows, identity events are not mentions."""
    event = obj(value, "event")
    did = text_field(event, "did", "event") or ""
    time_us = event.get("time_us")
    if not isinstance(time_us, int) or isinstance(time_us, bool) or time_us < 0:
        raise RecordError("invalid_record", "event.time_us: expected a positive integer")
    if event.get("kind") != "commit":
        raise RecordError(NOT_A_MENTION, f"event of kind {event.get('kind')!r}")
    commit = obj(event.get("commit"), "event.commit")
    collection = commit.get("collection")
    if collection not in COLLECTIONS:
        raise RecordError(NOT_A_MENTION, f"collection {collection!r}")
    rkey = text_field(commit, "rkey", "commit") or ""
    operation = commit.get("operation")
    uri = f"at://{did}/{collection}/{rkey}"
    author = {"id": did, "handle": did, "profile_url": f"https://bsky.app/profile/{did}"}
    fields: dict[str, Any] = {"source": SOURCE, "external_id": uri, "author": author}
    if operation == "delete":
        fields["kind"] = "delete"
        fields["created_at"] = from_micros(time_us)
        return JetstreamEvent(time_us, incoming(fields), frozenset(), ())
    if operation not in ("create", "update"):
        raise RecordError("invalid_record", f"commit.operation {operation!r}")
    record = obj(commit.get("record"), "commit.record")
    fields["created_at"] = record.get("createdAt") or from_micros(time_us)
    fields["url"] = f"https://bsky.app/profile/{did}/post/{rkey}" if collection == POST else None
    if collection == REPOST:
        fields.update(kind="repost", thread_root=_uri(record, "subject", "uri"), text="")
        return JetstreamEvent(time_us, incoming(fields), frozenset(), ())
    langs = record.get("langs")
    features = list(_features(record))
    fields.update(
        text=_text_with_links(record),
        lang=langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None,
        in_reply_to=_uri(record, "reply", "parent", "uri"),
        thread_root=_uri(record, "reply", "root", "uri"),
        kind="edit" if operation == "update" else "post",
        edited_at=from_micros(time_us) if operation == "update" else None,
    )
    dids = frozenset(f["did"] for _, _, f in features if isinstance(f.get("did"), str))
    links = tuple(f["uri"] for _, _, f in features if isinstance(f.get("uri"), str))
    return JetstreamEvent(time_us, incoming(fields), dids, links)


def parse_events(raw: bytes) -> tuple[list[JetstreamEvent], Parsed]:
    """One event, or several one per line (a capture of the socket); rejections on the side."""
    events: list[JetstreamEvent] = []
    parsed = Parsed()
    lines = [line for line in raw.splitlines() if line.strip()] or [raw]
    for line in lines:
        try:
            events.append(event_mention(load_json(line)))
        except RecordError as err:
            parsed.reject(err.reason, err.detail, line)
    parsed.mentions.extend(e.mention for e in events)
    return events, parsed


def parse(raw: bytes, now: datetime) -> Parsed:
    return parse_events(raw)[1]


def is_relevant(
    event: JetstreamEvent, dids: Iterable[str], handles: Iterable[str], keywords: Iterable[str]
) -> bool:
    """Whether an event concerns the organisation: it is mentioned, replied to, reposted or named.

    Deletes cannot be judged (the record is gone); the connector decides about those.
    """
    own = set(dids)
    mention = event.mention
    if event.mentioned_dids & own:
        return True
    for ref in (mention.in_reply_to, mention.thread_root):
        if ref and any(ref.startswith(f"at://{did}/") for did in own):
            return True
    text = (mention.text or "").lower()
    words = [h.lstrip("@").lower() for h in handles] + [k.lower() for k in keywords]
    return any(w and w in text for w in words)
