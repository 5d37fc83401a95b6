"""The checks of a reply before it is requested: channel, account, length, guidelines.

Used by the API's reply and its preview (and so by the inbox through
`act_on_mention`). The rules themselves are `services.common.replies`, shared
with publish; here they meet the database (the mention, an active crisis) and
the Mastodon instance's own length limit.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import httpx
from prometheus_client import Counter
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas import ReplyTarget
from services.common import replies
from services.common.organisation import Organisation
from services.common.organisation_accounts import Account
from services.history.database import ConversationEventRow, MentionRow

log = logging.getLogger(__name__)

WARNINGS = Counter(
    "webcare_reply_warnings_total",
    "Content-guideline warnings on replies, by department, kind (personal_data, phrase, crisis)"
    " and outcome (shown: previewed or refused unconfirmed; sent: confirmed and requested).",
    ["department", "kind", "outcome"],
)


class ComposeRefused(Exception):
    """A reply that cannot be requested: no reply channel, no account, too long."""

    def __init__(self, error: str, problem: str) -> None:
        super().__init__(problem)
        self.error = error
        self.problem = problem


class WarningView(BaseModel):
    kind: str = Field(description="personal_data, phrase or crisis.")
    message: str
    match: str | None = Field(default=None, description="The words that raised it.")


class ReplyPreview(BaseModel):
    """What a reply would be: where it goes, how long it is, what to look at again."""

    platform: str = Field(description="mastodon, bluesky or webhook.")
    account: str | None = Field(description="The organisation account it is posted from.")
    text: str = Field(description="The text as it will be posted (the author's handle first).")
    length: int
    limit: int | None
    fits: bool
    visibility: str = Field(description="public or direct (Mastodon; never wider than asked).")
    warnings: list[WarningView]


@dataclass
class InstanceLimits:
    """Mastodon instances' `configuration.statuses.max_characters`, asked once an hour."""

    ttl_s: float = 3600.0
    timeout_s: float = 2.0
    _cache: dict[str, tuple[int, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, account: Account) -> int:
        fallback = account.max_characters or replies.MASTODON_DEFAULT_LIMIT
        url = str(account.url).rstrip("/")
        with self._lock:
            cached = self._cache.get(url)
        if cached is not None and time.monotonic() - cached[1] < self.ttl_s:
            return cached[0]
        try:
            response = httpx.get(f"{url}/api/v2/instance", timeout=self.timeout_s)
            response.raise_for_status()
            limit = int(response.json()["configuration"]["statuses"]["max_characters"])
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as err:
            log.warning("instance limit unknown", extra={"instance": url, "error": str(err)})
            return fallback
        with self._lock:
            self._cache[url] = (limit, time.monotonic())
        return limit


def crisis_active(session: Session) -> bool:
    """Route's latest crisis word, as history stored it: raised and not yet cleared."""
    latest = session.scalars(
        select(ConversationEventRow.kind)
        .where(ConversationEventRow.kind.in_(("crisis_raised", "crisis_cleared")))
        .order_by(ConversationEventRow.at.desc())
        .limit(1)
    ).first()
    return latest == "crisis_raised"


def reply_target(mention: MentionRow) -> ReplyTarget:
    author = mention.author or {}
    return ReplyTarget(
        source=mention.source,
        external_id=mention.external_id,
        author_handle=str(author.get("handle") or author.get("id") or "unknown"),
        author_id=author.get("id"),
        url=mention.url,
        thread_root=mention.thread_id,
    )


def platform_of(organisation: Organisation, source: str) -> str:
    """mastodon, bluesky or webhook; ComposeRefused when the source has no reply channel."""
    if source in replies.ACCOUNT_PLATFORMS:
        return source
    for hook in organisation.sources.webhooks:
        if hook.source == source and hook.reply_url is not None:
            return "webhook"
    raise ComposeRefused(
        "no_reply_channel",
        f"mentions from {source!r} cannot be answered through webcare: the source has no reply"
        ' channel. Record an answer given elsewhere with {"answered_elsewhere": true,'
        ' "channel": ...}',
    )


def compose(
    session: Session,
    organisation: Organisation,
    limits: InstanceLimits,
    mention: MentionRow,
    department: str | None,
    text: str,
    account: str | None,
    direct: bool,
) -> tuple[ReplyPreview, ReplyTarget]:
    """The preview of a reply and the target publish threads it under; raises ComposeRefused."""
    platform = platform_of(organisation, mention.source)
    target = reply_target(mention)
    chosen: Account | None = None
    if platform != "webhook":
        try:
            chosen = replies.choose_account(
                organisation.accounts, platform, department, mention.text, account
            )
        except replies.AccountRefused as err:
            raise ComposeRefused("no_account", str(err)) from err
    handle = target.author_handle
    posted = text if handle.startswith("did:") else replies.mention_prefix(platform, handle, text)
    limit = limits(chosen) if chosen is not None and platform == "mastodon" else None
    length = replies.measure(platform, posted, limit or replies.MASTODON_DEFAULT_LIMIT)
    public = not (direct and platform != "bluesky")
    routing = organisation.routing
    warnings = replies.guideline_warnings(
        text,
        public=public,
        guidelines=organisation.reply_guidelines,
        mention_topics=list(mention.tags or mention.topics or []),
        crisis_active=crisis_active(session),
        crisis_topics=list(routing.crisis.topics),
        crisis_team=list(routing.crisis_team) or [organisation.triage_department],
    )
    preview = ReplyPreview(
        platform=platform,
        account=chosen.id if chosen is not None else None,
        text=posted,
        length=length.count,
        limit=length.limit if platform != "webhook" else None,
        fits=length.fits,
        visibility="public" if public else "direct",
        warnings=[WarningView(kind=w.kind, message=w.message, match=w.match) for w in warnings],
    )
    return preview, target


def count_warnings(preview: ReplyPreview, department: str | None, outcome: str) -> None:
    for warning in preview.warnings:
        WARNINGS.labels(department=department or "", kind=warning.kind, outcome=outcome).inc()
