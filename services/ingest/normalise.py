"""The documented webhook format and its normalisation into `Mention`.

Body: one object or a list of objects
`{"source", "external_id", "author": {"id", "handle", "display_name"?, "profile_url"?,
  "followers"?}, "text", "created_at", "url"?, "in_reply_to"?, "lang"?,
  "thread_root"?, "kind"?, "edited_at"?, "html"?}`.
The mention id is `<source>:<external_id>`, so ingesting a post twice yields
the same id and is a no-op downstream. `kind` is post (default), repost, edit
(same external_id, new text) or delete (author, text and created_at may be
left out; every other kind must send all three, `text` possibly ""). `html:
true` says the text is HTML, to be turned into plain text. Every platform
parser under `sources/` produces this same shape, so there is one
normalisation for all of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from schemas import Author, Mention
from schemas.messages import Slug, UtcDatetime
from services.common.validation import describe
from services.ingest.language import detect_language
from services.ingest.text import html_to_text

# Ids end up in keys, URLs and log lines: control characters have no business there.
PrintableId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]


def _without_nul(value: str) -> str:
    return value.replace("\x00", "\ufffd")


# Free text may hold any character but NUL, which PostgreSQL cannot store (history would lose
# the mention): it becomes U+FFFD here, so every stage and the database see the same text.
NoNul = Annotated[str, AfterValidator(_without_nul)]


class IncomingAuthor(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: PrintableId
    handle: PrintableId
    display_name: NoNul | None = Field(default=None, max_length=300)
    profile_url: NoNul | None = Field(default=None, max_length=2000)
    followers: int | None = Field(default=None, ge=0)


class IncomingMention(BaseModel):
    """One mention as a bridge or a replay file sends it."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    source: Slug
    external_id: PrintableId
    author: IncomingAuthor | None = None
    # None is "not sent": only a delete may leave it out (see `missing`); "" is an empty text.
    text: NoNul | None = Field(default=None, max_length=100_000)
    created_at: UtcDatetime | None = None
    url: NoNul | None = Field(default=None, max_length=2000)
    in_reply_to: PrintableId | None = None
    lang: NoNul | None = Field(default=None, max_length=16)
    thread_root: PrintableId | None = None
    kind: Literal["post", "repost", "edit", "delete"] = "post"
    edited_at: UtcDatetime | None = None
    html: bool = False

    def missing(self) -> list[str]:
        """A delete names only the post; everything else needs its author, text and time."""
        if self.kind == "delete":
            return []
        article = "an" if self.kind == "edit" else "a"
        return [
            f"{f}: {article} {self.kind} needs it"
            for f in ("author", "text", "created_at")
            if getattr(self, f) is None
        ]


INCOMING_BATCH = TypeAdapter(IncomingMention | list[IncomingMention])


class InvalidMention(ValueError):
    """Input that is not a mention in the documented format; `reasons` say where and why."""

    def __init__(self, reason: str, problems: list[str]) -> None:
        super().__init__(f"{reason}: {'; '.join(problems)}")
        self.reason = reason
        self.problems = problems


def parse_batch(body: bytes, max_batch: int) -> list[IncomingMention]:
    """Parses a webhook body; raises InvalidMention with a reason a client can act on."""
    try:
        parsed: Any = INCOMING_BATCH.validate_json(body)
    except ValidationError as err:
        kinds = {e["type"] for e in err.errors()}
        reason = "invalid_json" if kinds & {"json_invalid", "json_type"} else "invalid_mention"
        raise InvalidMention(reason, describe(err, root="<body>")) from err
    items = parsed if isinstance(parsed, list) else [parsed]
    incomplete = [
        f"<body>[{n}].{problem}" if isinstance(parsed, list) else f"<body>.{problem}"
        for n, item in enumerate(items)
        for problem in item.missing()
    ]
    if incomplete:
        raise InvalidMention("invalid_mention", incomplete)
    if not items:
        raise InvalidMention("empty_batch", ["the body is an empty list"])
    if len(items) > max_batch:
        raise InvalidMention("batch_too_large", [f"{len(items)} mentions, at most {max_batch}"])
    return items


def mention_id(source: str, external_id: str) -> str:
    return f"{source}:{external_id}"


def relationship_id(source: str, author_id: str) -> str:
    """One id per person per account, stable across re-ingests (accounts are linked later)."""
    digest = hashlib.sha256(f"{source}\x00{author_id}".encode()).hexdigest()[:20]
    return f"rel-{digest}"


# A delete (Mastodon sends only the status id) may not say whose post it was.
UNKNOWN_AUTHOR = Author(id="unknown", handle="unknown")
MAX_TEXT = 20_000


def handle_key(handle: str) -> str:
    """`@OpenHart@mastodon.nl` and `openhart@mastodon.nl` are the same handle."""
    return handle.strip().lstrip("@").lower()


def is_organisation(author: Author, handles: Iterable[str]) -> bool:
    """Whether the author is one of the organisation's own accounts (handle or platform id)."""
    own = {handle_key(h) for h in handles}
    return bool(own) and (handle_key(author.handle) in own or handle_key(author.id) in own)


def normalise(item: IncomingMention, now: datetime, handles: Iterable[str]) -> Mention:
    """The one `Mention` for an incoming item: plain text, detected language, stable ids.

    `handles` are the organisation's own accounts (`channels.own_identities`); it has no
    default, so no ingest path can forget them and let the organisation's posts pass as
    someone else's.
    """
    own_id = mention_id(item.source, item.external_id)
    parent = mention_id(item.source, item.in_reply_to) if item.in_reply_to else None
    root = mention_id(item.source, item.thread_root) if item.thread_root else None
    author = Author(**item.author.model_dump()) if item.author else UNKNOWN_AUTHOR
    text = "" if item.kind == "delete" else (item.text or "")
    if item.html:
        text = html_to_text(text)
    text = text[:MAX_TEXT]
    return Mention(
        id=own_id,
        source=item.source,
        external_id=item.external_id,
        relationship_id=relationship_id(item.source, author.id),
        thread_id=root or parent or own_id,
        author=author,
        text=text,
        lang=detect_language(text, item.lang) if text else None,
        created_at=item.created_at or now,
        url=item.url,
        in_reply_to=parent,
        ingested_at=now,
        kind=item.kind,
        edited_at=item.edited_at,
        from_organisation=is_organisation(author, handles),
    )
