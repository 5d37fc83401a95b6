"""Mastodon connector: the streaming API (SSE) plus a REST backfill after every (re)connect.

Order of a connection: open the stream first, then page through
`GET /api/v1/notifications?types[]=mention&min_id=<cursor>` (oldest first,
`min_id` pages forward without holes where `since_id` would only give the
newest page), then read the stream. Whatever was posted while disconnected is
in the backfill; whatever arrives during it waits in the stream's buffer; an
overlap has the same ids and changes nothing downstream. The cursor is the
newest mention notification id.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any

import aiohttp

from services.common.organisation_sources import MastodonSource
from services.ingest.connectors import Backoff, Batch, ConnectorFailed
from services.ingest.metrics import CONNECTED
from services.ingest.parsing import normalise_parsed
from services.ingest.sources import mastodon
from services.ingest.sources.base import Parsed, RecordError

log = logging.getLogger(__name__)
PAGE = 40


class MastodonConnector:
    source = "mastodon"

    def __init__(self, config: MastodonSource, handles: Iterable[str], backoff: Backoff) -> None:
        self.base = str(config.instance_url).rstrip("/")
        self.name = f"mastodon:{self.base}:{config.stream}"
        self.stream_path = config.stream.replace(":", "/")
        self.handles = list(handles)
        self.words = [h.lstrip("@").split("@")[0].lower() for h in self.handles] + [
            k.lower() for k in config.keywords
        ]
        token = os.environ.get(config.access_token_env) if config.access_token_env else None
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.backoff = backoff

    def _batch(self, parsed: Parsed, cursor: str | None) -> Batch:
        found = normalise_parsed(parsed, datetime.now(UTC), self.handles)
        return Batch(
            found.mentions, found.rejected, {"notification_id": cursor} if cursor else None
        )

    def _relevant(self, event: str, parsed: Parsed) -> bool:
        """Timeline `update`s count only when they name the organisation; the rest always."""
        if event != "update":
            return True
        return any(w and w in (m.text or "").lower() for m in parsed.mentions for w in self.words)

    async def _backfill(
        self, session: aiohttp.ClientSession, cursor: str
    ) -> AsyncIterator[tuple[Parsed, str]]:
        while True:
            params = [("types[]", "mention"), ("min_id", cursor), ("limit", str(PAGE))]
            async with session.get(f"{self.base}/api/v1/notifications", params=params) as resp:
                resp.raise_for_status()
                raw = await resp.read()
            parsed = mastodon.parse(raw, datetime.now(UTC))
            page = mastodon.load_json(raw) if raw.strip() else []
            ids = [n["id"] for n in page if isinstance(n, dict) and isinstance(n.get("id"), str)]
            if not ids:
                return
            for found in ids:
                cursor = mastodon.newer(cursor, found) or cursor
            yield parsed, cursor

    async def batches(self, cursor: Any) -> AsyncIterator[Batch]:
        last: str | None = (cursor or {}).get("notification_id")
        failures = 0
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=120)
        async with aiohttp.ClientSession(headers=self.headers, timeout=timeout) as session:
            while True:
                try:
                    url = f"{self.base}/api/v1/streaming/{self.stream_path}"
                    async with session.get(url, headers={"Accept": "text/event-stream"}) as resp:
                        resp.raise_for_status()
                        CONNECTED.labels(source=self.source).set(1)
                        failures = 0
                        if last is not None:
                            async for parsed, newest in self._backfill(session, last):
                                last = newest
                                yield self._batch(parsed, last)
                        decoder = mastodon.SseDecoder()
                        async for chunk in resp.content.iter_any():
                            try:
                                events = decoder.feed(chunk)
                            except RecordError as err:
                                yield self._batch(
                                    Parsed().reject(err.reason, err.detail, chunk), last
                                )
                                continue
                            for event, data in events:
                                parsed = Parsed()
                                try:
                                    item = mastodon.event_mention(event, data, datetime.now(UTC))
                                    parsed.mentions.append(item)
                                except RecordError as err:
                                    parsed.reject(
                                        err.reason,
                                        err.detail,
                                        f"event: {event}\ndata: {data}".encode(),
                                    )
                                if event == "notification" and parsed.mentions:
                                    last = mastodon.newer(last, mastodon.notification_id(data))
                                if parsed.rejected or self._relevant(event, parsed):
                                    yield self._batch(parsed, last)
                    log.info("mastodon stream ended", extra={"connector": self.name})
                except (aiohttp.ClientError, TimeoutError, RecordError) as err:
                    log.warning(
                        "mastodon connection failed",
                        extra={"connector": self.name, "error": f"{type(err).__name__}: {err}"},
                    )
                CONNECTED.labels(source=self.source).set(0)
                failures += 1
                if failures >= self.backoff.max_attempts:
                    raise ConnectorFailed(f"{self.name}: {failures} failed connections")
                await asyncio.sleep(self.backoff.delay(failures))
