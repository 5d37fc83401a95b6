"""Push targets of a department beyond its Kafka queue: chat webhooks, e-mail, digests, limits.

Hung on `Department.push` with an empty default, so an organisation file
without a `push:` section stays valid. The generic JSON webhooks keep living
in `Department.webhooks`; everything else a department is pushed to is here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

EmailAddress = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=320)]
Priority = Literal["low", "normal", "high", "urgent"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SlackTarget(_Strict):
    """A Slack-compatible incoming webhook: gets a Block Kit message with a `text` fallback."""

    url: HttpUrl


class TeamsTarget(_Strict):
    """A Microsoft Teams-compatible incoming webhook (connector card or Workflows adaptive card)."""

    url: HttpUrl
    card: Literal["message_card", "adaptive_card"] = "message_card"


class EmailTarget(_Strict):
    """Recipients of one e-mail per delivery (or per digest), in the department's language."""

    to: list[EmailAddress] = Field(min_length=1)


class RateLimit(_Strict):
    """At most `per_second` messages to one target on average, `burst` at once."""

    per_second: float = Field(gt=0)
    burst: int = Field(default=1, ge=1)


class DigestPolicy(_Strict):
    """A summary every `every_minutes` instead of one push message per mention.

    The department's Kafka queue always gets every mention at once; the
    digest bundles only the push targets (webhooks, chat, e-mail). Mentions
    with a priority in `immediate_priorities` bypass the digest.
    """

    every_minutes: float = Field(gt=0, le=24 * 60)
    immediate_priorities: tuple[Priority, ...] = ("high", "urgent")


class PushTargets(_Strict):
    slack: list[SlackTarget] = Field(default_factory=list)
    teams: list[TeamsTarget] = Field(default_factory=list)
    email: list[EmailTarget] = Field(default_factory=list)
    rate_limit: RateLimit | None = Field(
        default=None, description="Per target; unset means the service-wide default."
    )
    digest: DigestPolicy | None = None
