"""Bluesky connector: a Jetstream WebSocket, filtered on the organisation, resumed by `time_us`.

Jetstream replays from `?cursor=<time_us>`; events at or before the saved
cursor are dropped on resume, so a restart neither skips nor repeats. The
cursor moves with every event read (relevant or not) and is saved with each
published batch, or every `save_every` events otherwise, so a restart does
not re-scan the whole firehose. Deletes carry no record to judge: one is
passed on when its post was passed on by this process, or its author is one
of the organisation's DIDs.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import websockets

from services.common.organisation_sources import BlueskySource
from services.ingest.connectors import Backoff, Batch, ConnectorFailed
from services.ingest.metrics import CONNECTED
from services.ingest.parsing import normalise_parsed
from services.ingest.sources import bluesky
from services.ingest.sources.base import NOT_A_MENTION, Parsed, Rejection

log = logging.getLogger(__name__)
REMEMBERED_POSTS = 100_000


class JetstreamConnector:
    source = "bluesky"

    def __init__(
        self,
        config: BlueskySource,
        handles: Iterable[str],
        backoff: Backoff,
        save_every: int = 1000,
    ) -> None:
        self.url = config.jetstream_url
        self.name = f"bluesky:{self.url}"
        self.dids = list(config.dids)
        self.handles = list(handles)
        self.keywords = list(config.keywords)
        self.backoff = backoff
        self.save_every = save_every
        self._passed: OrderedDict[str, None] = OrderedDict()

    def subscribe_url(self, cursor: int | None) -> str:
        params = [("wantedCollections", c) for c in bluesky.COLLECTIONS]
        if cursor is not None:
            params.append(("cursor", str(cursor)))
        return f"{self.url}?{urlencode(params)}"

    def _keep(self, event: bluesky.JetstreamEvent) -> bool:
        mention = event.mention
        if mention.kind == "delete":
            by_organisation = mention.author is not None and mention.author.id in self.dids
            return by_organisation or mention.external_id in self._passed
        if not bluesky.is_relevant(event, self.dids, self.handles, self.keywords):
            return False
        self._passed[mention.external_id] = None
        if len(self._passed) > REMEMBERED_POSTS:
            self._passed.popitem(last=False)
        return True

    def _read(self, raw: bytes, last: int | None) -> tuple[Parsed, int | None]:
        events, parsed = bluesky.parse_events(raw)
        kept = Parsed(rejected=parsed.rejected)
        for event in events:
            if last is not None and event.time_us <= last:
                continue
            last = event.time_us
            if self._keep(event):
                kept.mentions.append(event.mention)
            else:
                kept.rejected.append(Rejection(NOT_A_MENTION, "not about the organisation", b""))
        return kept, last

    async def batches(self, cursor: Any) -> AsyncIterator[Batch]:
        last: int | None = (cursor or {}).get("time_us")
        failures = 0
        while True:
            try:
                async with websockets.connect(self.subscribe_url(last), max_size=2**21) as socket:
                    CONNECTED.labels(source=self.source).set(1)
                    failures = 0
                    unsaved = 0
                    async for message in socket:
                        raw = message.encode() if isinstance(message, str) else message
                        parsed, last = self._read(raw, last)
                        found = normalise_parsed(
                            parsed, datetime.now(UTC), self.handles + self.dids
                        )
                        unsaved += 1
                        faults = any(r.is_fault for r in found.rejected)
                        if found.mentions or faults or unsaved >= self.save_every:
                            unsaved = 0
                            yield Batch(found.mentions, found.rejected, self._cursor(last))
                        else:
                            yield Batch(rejected=found.rejected)
                log.info("jetstream closed", extra={"connector": self.name})
            except (websockets.exceptions.WebSocketException, OSError, TimeoutError) as err:
                log.warning(
                    "jetstream connection failed",
                    extra={"connector": self.name, "error": f"{type(err).__name__}: {err}"},
                )
            CONNECTED.labels(source=self.source).set(0)
            failures += 1
            if failures >= self.backoff.max_attempts:
                raise ConnectorFailed(f"{self.name}: {failures} failed connections")
            await asyncio.sleep(self.backoff.delay(failures))

    @staticmethod
    def _cursor(last: int | None) -> dict[str, int] | None:
        return {"time_us": last} if last is not None else None
