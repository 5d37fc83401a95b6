"""RSS/Atom connector: polls a feed with conditional GETs and passes on entries not seen before.

`ETag`/`Last-Modified` make an unchanged feed cost one 304; the ids of the
entries seen last (guid/id) travel in the cursor, so a restart does not
re-publish a feed's whole backlog and an entry is published once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any

import aiohttp

from services.common.organisation_sources import FeedSource
from services.ingest.connectors import Backoff, Batch, ConnectorFailed
from services.ingest.metrics import CONNECTED
from services.ingest.parsing import normalise_parsed
from services.ingest.sources import feeds

log = logging.getLogger(__name__)
REMEMBERED_IDS = 500
MAX_FEED_BYTES = 10 * 1024 * 1024


class FeedConnector:
    source = "rss"

    def __init__(self, config: FeedSource, handles: Iterable[str], backoff: Backoff) -> None:
        self.url = str(config.url)
        self.name = f"feed:{self.url}"
        self.poll_s = config.poll_seconds
        self.handles = list(handles)
        self.backoff = backoff

    @staticmethod
    def kind(body: bytes) -> str:
        return "atom" if b"http://www.w3.org/2005/Atom" in body[:4096] else "rss"

    def new_entries(self, body: bytes, state: dict[str, Any]) -> Batch:
        """Entries not in the cursor's ids; the cursor keeps the ids of the feed as last seen."""
        source = self.kind(body)
        found = normalise_parsed(feeds.parse_feed(body, source), datetime.now(UTC), self.handles)
        seen = list(state.get("seen") or [])
        fresh = [m for m in found.mentions if m.external_id not in seen]
        current = [m.external_id for m in found.mentions]
        kept = [i for i in seen if i not in current] + current
        state["seen"] = kept[-REMEMBERED_IDS:]
        return Batch(fresh, found.rejected, dict(state))

    async def _fetch(self, session: aiohttp.ClientSession, state: dict[str, Any]) -> bytes | None:
        headers = {}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("last_modified"):
            headers["If-Modified-Since"] = state["last_modified"]
        async with session.get(self.url, headers=headers) as resp:
            if resp.status == 304:
                return None
            resp.raise_for_status()
            body = await resp.content.read(MAX_FEED_BYTES + 1)
            if len(body) > MAX_FEED_BYTES:
                raise aiohttp.ClientPayloadError(f"feed over {MAX_FEED_BYTES} bytes")
            state["etag"] = resp.headers.get("ETag")
            state["last_modified"] = resp.headers.get("Last-Modified")
            return body

    async def batches(self, cursor: Any) -> AsyncIterator[Batch]:
        state: dict[str, Any] = dict(cursor or {})
        failures = 0
        timeout = aiohttp.ClientTimeout(total=60)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                try:
                    body = await self._fetch(session, state)
                    CONNECTED.labels(source=self.source).set(1)
                    failures = 0
                    if body is not None:
                        yield self.new_entries(body, state)
                    delay = self.poll_s
                except (aiohttp.ClientError, TimeoutError) as err:
                    CONNECTED.labels(source=self.source).set(0)
                    log.warning(
                        "feed poll failed",
                        extra={"connector": self.name, "error": f"{type(err).__name__}: {err}"},
                    )
                    failures += 1
                    if failures >= self.backoff.max_attempts:
                        raise ConnectorFailed(f"{self.name}: {failures} failed polls") from err
                    delay = max(self.poll_s, self.backoff.delay(failures))
                await asyncio.sleep(delay)
