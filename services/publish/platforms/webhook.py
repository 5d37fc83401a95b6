"""A webhook source's reply channel: a signed callback to the source's `reply_url`.

The body is signed with HMAC-SHA256 under the source's own secret (the same one
that signs what the source posts to webcare) and carries the reply_requested id
in `X-Webcare-Event-Id` and `Idempotency-Key`: the receiver drops a repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx

from services.common.organisation_sources import WebhookSource
from services.publish.platforms.base import Posted, Reply, call, check


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookChannel:
    platform = "webhook"

    def __init__(self, source: WebhookSource, client: httpx.AsyncClient, secret: str) -> None:
        assert source.reply_url is not None
        self.source = source
        self.client = client
        self.url = str(source.reply_url)
        self.secret = secret

    async def limit(self) -> int | None:
        return None

    async def find(self, reply: Reply) -> Posted | None:
        return None  # the receiver deduplicates by the event id: posting again is safe

    async def post(self, reply: Reply) -> Posted:
        body = json.dumps(
            {
                "event_id": reply.request_id,
                "source": self.source.source,
                "in_reply_to": reply.target.external_id,
                "author": reply.target.author_handle,
                "text": reply.text,
                "direct": reply.direct,
            },
            sort_keys=True,
        ).encode()
        headers = {
            "Content-Type": "application/json",
            self.source.header: signature(self.secret, body),
            "X-Webcare-Event-Id": reply.request_id,
            "Idempotency-Key": reply.request_id,
        }
        response = check(
            await call(lambda: self.client.post(self.url, content=body, headers=headers))
        )
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        return Posted(str(answer.get("id") or reply.request_id), answer.get("url"))
