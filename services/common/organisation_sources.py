"""Which channels ingest listens to for an organisation: the `sources:` section of its config.

Secrets never live in the file: a source names the environment variable that
holds its token or HMAC secret (`*_env`), read when the connector starts.
Every list is empty by default, so a config without `sources:` runs the
webhook endpoint only.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

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
    """A bridge posting to `/v1/mentions` with `source: <name>`.

    It signs every request with the secret in `secret_env` (services/ingest/signatures.py);
    while a secret is being rotated, `previous_secret_env` holds the old one and both sign.
    `unsigned: true` instead takes the source's posts without a signature: anyone who can
    reach ingest may then post under it, so the service warns at start.
    """

    source: Slug
    secret_env: EnvName | None = None
    previous_secret_env: EnvName | None = None
    unsigned: bool = False
    header: str = Field(default="X-Webcare-Signature", pattern=r"^[A-Za-z0-9-]{1,64}$")
    reply_url: HttpUrl | None = Field(
        default=None,
        description="Where publish posts replies (signed like the source's own bodies).",
    )

    @model_validator(mode="after")
    def _signed_or_said_unsigned(self) -> WebhookSource:
        if self.unsigned and (self.secret_env or self.previous_secret_env):
            raise ValueError("unsigned: true takes no secret_env or previous_secret_env")
        if not self.unsigned and not self.secret_env:
            raise ValueError("needs secret_env (or unsigned: true to accept it unsigned)")
        if self.reply_url is not None and not self.secret_env:
            raise ValueError("reply_url needs secret_env: replies to a source are signed with it")
        return self


class Sources(_Strict):
    mastodon: list[MastodonSource] = Field(default_factory=list)
    bluesky: list[BlueskySource] = Field(default_factory=list)
    feeds: list[FeedSource] = Field(default_factory=list)
    webhooks: list[WebhookSource] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_entry_per_webhook_source(self) -> Sources:
        names = [hook.source for hook in self.webhooks]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"webhooks: source named more than once: {', '.join(twice)}")
        return self

    def own_ids(self) -> list[str]:
        """Platform ids of the organisation's accounts (Bluesky DIDs), besides its handles."""
        return [did for source in self.bluesky for did in source.dids]
