"""Which channels ingest listens to for an organisation: the `sources:` section of its config.

Secrets never live in the file: a source names the environment variable that
holds its token or HMAC secret (`*_env`), read when the connector starts.
Every list is empty by default, so a config without `sources:` runs the
webhook endpoint only.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

EnvName = Annotated[str, Field(pattern=r"^[A-Z_][A-Z0-9_]*$", max_length=100)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MastodonSource(_Strict):
    """An account on a Mastodon instance: its streaming API, with REST backfill after gaps."""

    instance_url: HttpUrl
    access_token_env: EnvName | None = None
    stream: str = Field(default="user", description="Streaming timeline, e.g. user, public:local.")
    keywords: list[str] = Field(default_factory=list)


class BlueskySource(_Strict):
    """Jetstream, filtered on the organisation's DIDs, handles and keywords."""

    jetstream_url: str = Field(
        default="wss://jetstream2.us-east.bsky.network/subscribe", pattern=r"^wss?://"
    )
    dids: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)


class FeedSource(_Strict):
    """An RSS 2.0 or Atom feed, polled with conditional GETs."""

    url: HttpUrl
    poll_seconds: float = Field(default=300, ge=1)


class WebhookSource(_Strict):
    """A bridge posting to `/v1/mentions` with `source: <name>`, signing bodies with HMAC-SHA256."""

    source: Slug
    secret_env: EnvName
    header: str = "X-Webcare-Signature"
    reply_url: HttpUrl | None = Field(
        default=None,
        description="Where publish posts replies (signed like the source's own bodies).",
    )


class Sources(_Strict):
    mastodon: list[MastodonSource] = Field(default_factory=list)
    bluesky: list[BlueskySource] = Field(default_factory=list)
    feeds: list[FeedSource] = Field(default_factory=list)
    webhooks: list[WebhookSource] = Field(default_factory=list)

    def own_ids(self) -> list[str]:
        """Platform ids of the organisation's accounts (Bluesky DIDs), besides its handles."""
        return [did for source in self.bluesky for did in source.dids]
