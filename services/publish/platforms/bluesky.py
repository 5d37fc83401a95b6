"""Bluesky: an `app.bsky.feed.post` record written with `com.atproto.repo.createRecord`.

The record carries `reply.root` and `reply.parent` as strong refs (uri + cid,
read with `com.atproto.repo.getRecord`), a mention facet for the author, and a
record key derived from the reply_requested event: a retry writes the same
key, which the PDS refuses as existing, so one request is one post. Sessions
come from `com.atproto.server.createSession` and are renewed with
`refreshSession` when the access token expires.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from services.common.organisation_accounts import Account
from services.common.replies import BLUESKY_LIMIT, bluesky_rkey, mention_prefix
from services.publish.platforms.base import (
    PlatformRefused,
    Posted,
    Reply,
    call,
    check,
)

POST = "app.bsky.feed.post"


def parse_at_uri(uri: str) -> tuple[str, str, str]:
    """`at://did/collection/rkey` as its three parts."""
    if not uri.startswith("at://"):
        raise PlatformRefused(None, f"not an at:// uri: {uri!r}")
    parts = uri[len("at://") :].split("/")
    if len(parts) != 3:
        raise PlatformRefused(None, f"not a record uri: {uri!r}")
    return parts[0], parts[1], parts[2]


def mention_facets(text: str, handle: str, did: str | None) -> list[dict[str, Any]]:
    """A mention facet over `@handle` in the text, in UTF-8 byte offsets as atproto counts."""
    if not did:
        return []
    needle = f"@{handle}".encode()
    start = text.encode().find(needle)
    if start < 0:
        return []
    return [
        {
            "index": {"byteStart": start, "byteEnd": start + len(needle)},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
        }
    ]


class BlueskyChannel:
    platform = "bluesky"

    def __init__(self, account: Account, client: httpx.AsyncClient, password: str) -> None:
        self.account = account
        self.client = client
        self.base = str(account.url).rstrip("/")
        self.password = password
        self.did: str | None = None
        self._access: str | None = None
        self._refresh: str | None = None

    async def limit(self) -> int:
        return BLUESKY_LIMIT

    def _xrpc(self, method: str) -> str:
        return f"{self.base}/xrpc/{method}"

    async def _login(self) -> None:
        body = {"identifier": self.account.bare_handle, "password": self.password}
        response = check(
            await call(
                lambda: self.client.post(self._xrpc("com.atproto.server.createSession"), json=body)
            )
        )
        self._take(response.json())

    def _take(self, session: dict[str, Any]) -> None:
        self._access, self._refresh = session["accessJwt"], session["refreshJwt"]
        self.did = session["did"]

    async def _renew(self) -> None:
        """refreshSession with the refresh token; a refused refresh means a new session."""
        if self._refresh is not None:
            refresh = self._refresh
            response = await call(
                lambda: self.client.post(
                    self._xrpc("com.atproto.server.refreshSession"),
                    headers={"Authorization": f"Bearer {refresh}"},
                )
            )
            if response.is_success:
                self._take(response.json())
                return
        await self._login()

    async def _authed(self, method: str, verb: str, **kwargs: Any) -> httpx.Response:
        if self._access is None:
            await self._login()
        for first in (True, False):
            response = await call(
                lambda: self.client.request(
                    verb,
                    self._xrpc(method),
                    headers={"Authorization": f"Bearer {self._access}"},
                    **kwargs,
                )
            )
            if first and _expired(response):
                await self._renew()
                continue
            return response
        raise AssertionError("unreachable")

    async def _get_record(self, repo: str, rkey: str) -> dict[str, Any] | None:
        response = await self._authed(
            "com.atproto.repo.getRecord",
            "GET",
            params={"repo": repo, "collection": POST, "rkey": rkey},
        )
        if response.status_code == 400 and _error(response) == "RecordNotFound":
            return None
        if response.status_code == 404:
            return None
        result: dict[str, Any] = check(response).json()
        return result

    async def _handle_of(self, did: str) -> str | None:
        response = await self._authed("com.atproto.repo.describeRepo", "GET", params={"repo": did})
        if not response.is_success:
            return None
        handle = response.json().get("handle")
        return handle if isinstance(handle, str) else None

    def _posted(self, rkey: str) -> Posted:
        return Posted(
            f"at://{self.did}/{POST}/{rkey}",
            f"https://bsky.app/profile/{self.account.bare_handle}/post/{rkey}",
        )

    async def find(self, reply: Reply) -> Posted | None:
        if self._access is None:
            await self._login()
        assert self.did is not None
        rkey = bluesky_rkey(reply.request_id)
        return self._posted(rkey) if await self._get_record(self.did, rkey) else None

    async def post(self, reply: Reply) -> Posted:
        if self._access is None:
            await self._login()
        assert self.did is not None
        repo, _, parent_rkey = parse_at_uri(reply.target.external_id)
        parent = await self._get_record(repo, parent_rkey)
        if parent is None:
            raise PlatformRefused(404, f"the post replied to is gone: {reply.target.external_id}")
        parent_ref = {"uri": parent["uri"], "cid": parent["cid"]}
        root_ref = (parent.get("value") or {}).get("reply", {}).get("root") or parent_ref
        author_handle = reply.target.author_handle
        if author_handle.startswith("did:"):
            author_handle = await self._handle_of(author_handle) or ""
        text = mention_prefix("bluesky", author_handle, reply.text) if author_handle else reply.text
        author_did = reply.target.author_id or (repo if repo.startswith("did:") else None)
        record = {
            "$type": POST,
            "text": text,
            "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "reply": {"root": root_ref, "parent": parent_ref},
            "facets": mention_facets(text, author_handle, author_did),
        }
        rkey = bluesky_rkey(reply.request_id)
        response = await self._authed(
            "com.atproto.repo.createRecord",
            "POST",
            json={"repo": self.did, "collection": POST, "rkey": rkey, "record": record},
        )
        if (
            response.status_code in (400, 409)
            and _exists(response)
            and await self._get_record(self.did, rkey) is not None
        ):
            return self._posted(rkey)  # an earlier attempt wrote it
        check(response)
        return self._posted(rkey)


def _error(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""


def _expired(response: httpx.Response) -> bool:
    return response.status_code in (400, 401) and _error(response) in (
        "ExpiredToken",
        "InvalidToken",
    )


def _exists(response: httpx.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    text = f"{body.get('error', '')} {body.get('message', '')}".lower()
    return "exist" in text or "conflict" in text
