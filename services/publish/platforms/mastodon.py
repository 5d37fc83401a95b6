"""Mastodon: `POST /api/v1/statuses` as a reply, with an `Idempotency-Key`.

The reply is threaded with `in_reply_to_id`, names the author, and is never
more visible than the status it answers (a direct message stays direct).
Mastodon keeps an Idempotency-Key for about an hour only, so before posting
again after a crash publish asks `find`: the account's recent statuses, for
one answering the same status with the same text.
"""

from __future__ import annotations

import html
import re

import httpx

from services.common.organisation_accounts import Account
from services.common.replies import (
    MASTODON_DEFAULT_LIMIT,
    idempotency_key,
    mention_prefix,
    reply_visibility,
)
from services.publish.platforms.base import Posted, Reply, call, check

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p>", re.IGNORECASE)


_MENTION = re.compile(r"@\S+")


def plain_text(content: str) -> str:
    """A status's HTML content as the text that was posted (links and mentions as shown)."""
    return " ".join(html.unescape(_TAG.sub("", _BREAK.sub(" ", content))).split())


def same_text(content: str, text: str) -> bool:
    """Whether a status's HTML says `text`; mentions are left out, as Mastodon shortens them."""

    def bare(value: str) -> str:
        return " ".join(_MENTION.sub("", value).split())

    return bare(plain_text(content)) == bare(text)


class MastodonChannel:
    platform = "mastodon"

    def __init__(self, account: Account, client: httpx.AsyncClient, token: str) -> None:
        self.account = account
        self.client = client
        self.base = str(account.url).rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}"}
        self._limit: int | None = None
        self._account_id: str | None = None

    async def limit(self) -> int:
        """`configuration.statuses.max_characters` of the instance (asked once)."""
        if self._limit is None:
            response = check(await call(lambda: self.client.get(f"{self.base}/api/v2/instance")))
            statuses = response.json().get("configuration", {}).get("statuses", {})
            self._limit = int(
                statuses.get("max_characters")
                or self.account.max_characters
                or MASTODON_DEFAULT_LIMIT
            )
        return self._limit

    async def _own_id(self) -> str:
        if self._account_id is None:
            response = check(
                await call(
                    lambda: self.client.get(
                        f"{self.base}/api/v1/accounts/verify_credentials", headers=self.headers
                    )
                )
            )
            self._account_id = str(response.json()["id"])
        return self._account_id

    async def _original_visibility(self, status_id: str) -> str:
        response = check(
            await call(
                lambda: self.client.get(
                    f"{self.base}/api/v1/statuses/{status_id}", headers=self.headers
                )
            )
        )
        return str(response.json().get("visibility", "direct"))

    async def find(self, reply: Reply) -> Posted | None:
        own = await self._own_id()
        response = check(
            await call(
                lambda: self.client.get(
                    f"{self.base}/api/v1/accounts/{own}/statuses",
                    params={"limit": 40, "exclude_reblogs": "true"},
                    headers=self.headers,
                )
            )
        )
        for status in response.json():
            if str(status.get("in_reply_to_id")) != reply.target.external_id:
                continue
            if same_text(str(status.get("content", "")), reply.text):
                return Posted(str(status["id"]), status.get("url") or status.get("uri"))
        return None

    async def post(self, reply: Reply) -> Posted:
        visibility = reply_visibility(
            await self._original_visibility(reply.target.external_id), reply.direct
        )
        body = {
            "status": mention_prefix("mastodon", reply.target.author_handle, reply.text),
            "in_reply_to_id": reply.target.external_id,
            "visibility": visibility,
        }
        headers = {**self.headers, "Idempotency-Key": idempotency_key(reply.request_id)}
        response = check(
            await call(
                lambda: self.client.post(f"{self.base}/api/v1/statuses", json=body, headers=headers)
            )
        )
        status = response.json()
        return Posted(str(status["id"]), status.get("url") or status.get("uri"))
