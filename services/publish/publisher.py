"""What publish does with one reply_requested event: post it once, say how it went.

The ledger is written before the platform is called and after it answered;
an entry a crash left unfinished is settled by asking the platform first
(`Channel.find`). Plain Python over the platform clients: no Kafka here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from schemas import ConversationEvent
from schemas import ConversationEventKind as Kind
from services.common.replies import measure, mention_prefix
from services.publish.ledger import Entry, Ledger
from services.publish.metrics import PLATFORM_ERRORS, RECOVERED, REPLIES, REPLY_SECONDS
from services.publish.platforms.base import (
    Channel,
    PlatformRefused,
    PlatformUnavailable,
    Posted,
    Reply,
    with_retries,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


class NoChannel(Exception):
    """No account or reply URL for this reply (the config changed since it was requested)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_s: float = 0.5
    cap_s: float = 30.0


class Unavailable(Exception):
    """The platform stayed away through every attempt: the stage waits and tries again."""


class Publisher:
    def __init__(
        self,
        channel_for: Callable[[ConversationEvent], Channel],
        ledger: Ledger,
        clock: Callable[[], datetime],
        retry: RetryPolicy = RetryPolicy(),
    ) -> None:
        self.channel_for = channel_for
        self.ledger = ledger
        self.clock = clock
        self.retry = retry

    async def handle(self, event: ConversationEvent) -> ConversationEvent | None:
        """The `replied` or `reply_failed` event for a reply_requested, None for other kinds.
        Raises Unavailable when the platform could not be reached."""
        if event.kind is not Kind.REPLY_REQUESTED:
            return None
        entry = await asyncio.to_thread(self.ledger.get, event.event_id)
        if entry is not None and entry.state == "posted":
            return self._replied(event, Posted(entry.post_id or "", entry.post_url))
        if entry is not None and entry.state == "failed":
            return self._failed(event, entry.failure_status, entry.failure_message or "")
        if event.reply_to is None or not event.text:
            return self._failed(event, None, "the request names no post to reply to, or no text")
        try:
            channel = self.channel_for(event)
        except NoChannel as err:
            return self._failed(event, 422, str(err))
        reply = Reply(event.event_id, event.text, event.reply_to, event.direct)
        try:
            return await self._publish(event, entry, channel, reply)
        except PlatformRefused as err:
            await asyncio.to_thread(
                self.ledger.failed, event.event_id, err.status, err.message, self.clock()
            )
            return self._failed(event, err.status, err.message, channel.platform)
        except PlatformUnavailable as err:
            PLATFORM_ERRORS.labels(platform=channel.platform).inc()
            raise Unavailable(f"{channel.platform}: {err}") from err

    async def _publish(
        self, event: ConversationEvent, entry: Entry | None, channel: Channel, reply: Reply
    ) -> ConversationEvent:
        if entry is not None:  # a crash left it unfinished: does the post exist?
            found = await self._retrying(channel, lambda: channel.find(reply))
            if found is not None:
                RECOVERED.labels(platform=channel.platform).inc()
                log.info("post found after restart", extra={"request_id": event.event_id})
                return await self._done(event, channel, found)
        limit = await self._retrying(channel, channel.limit)
        if limit is not None:
            handle = reply.target.author_handle
            text = (
                reply.text
                if handle.startswith("did:")
                else mention_prefix(channel.platform, handle, reply.text)
            )
            length = measure(channel.platform, text, limit)
            if not length.fits:
                raise PlatformRefused(
                    422, f"{length.count} characters, the limit is {length.limit}"
                )
        await asyncio.to_thread(
            self.ledger.begin, event.event_id, event.account or channel.platform, self.clock()
        )
        posted = await self._retrying(channel, lambda: channel.post(reply))
        return await self._done(event, channel, posted)

    async def _retrying(self, channel: Channel, attempt: Callable[[], Awaitable[T]]) -> T:
        return await with_retries(
            attempt,
            attempts=self.retry.attempts,
            base_s=self.retry.base_s,
            cap_s=self.retry.cap_s,
        )

    async def _done(
        self, event: ConversationEvent, channel: Channel, posted: Posted
    ) -> ConversationEvent:
        now = self.clock()
        await asyncio.to_thread(self.ledger.posted, event.event_id, posted.post_id, posted.url, now)
        REPLY_SECONDS.labels(platform=channel.platform).observe(
            max(0.0, (now - event.at).total_seconds())
        )
        return self._replied(event, posted, channel.platform)

    def _replied(
        self, event: ConversationEvent, posted: Posted, platform: str | None = None
    ) -> ConversationEvent:
        REPLIES.labels(platform=platform or event.channel or "unknown", outcome="replied").inc()
        return event.model_copy(
            update={
                "event_id": f"{event.event_id}.replied",
                "kind": Kind.REPLIED,
                "request_id": event.event_id,
                "post_id": posted.post_id,
                "post_url": posted.url,
                "reply_to": None,
                "at": self.clock(),
            }
        )

    def _failed(
        self,
        event: ConversationEvent,
        status: int | None,
        message: str,
        platform: str | None = None,
    ) -> ConversationEvent:
        REPLIES.labels(platform=platform or event.channel or "unknown", outcome="failed").inc()
        log.warning("reply failed", extra={"request_id": event.event_id, "status": status})
        return event.model_copy(
            update={
                "event_id": f"{event.event_id}.failed",
                "kind": Kind.REPLY_FAILED,
                "request_id": event.event_id,
                "failure_status": status,
                "failure_message": message[:2000],
                "reply_to": None,
                "at": self.clock(),
            }
        )
