"""The documented webhook format and its normalisation into `Mention`.

Body: one object or a list of objects
`{"source", "external_id", "author": {"id", "handle", "display_name"?, "followers"?},
  "text", "created_at", "url"?, "in_reply_to"?, "lang"?}`.
The mention id is `<source>:<external_id>`, so ingesting a post twice yields
the same id and is a no-op downstream.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from schemas import Author, Mention
from schemas.messages import Slug, UtcDatetime
from services.common.validation import describe

# Ids end up in keys, URLs and log lines: control characters have no business there.
PrintableId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]


class IncomingAuthor(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: PrintableId
    handle: PrintableId
    display_name: str | None = Field(default=None, max_length=300)
    profile_url: str | None = Field(default=None, max_length=2000)
    followers: int | None = Field(default=None, ge=0)


class IncomingMention(BaseModel):
    """One mention as a bridge or a replay file sends it."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    source: Slug
    external_id: PrintableId
    author: IncomingAuthor
    text: str = Field(max_length=20_000)
    created_at: UtcDatetime
    url: str | None = Field(default=None, max_length=2000)
    in_reply_to: PrintableId | None = None
    lang: str | None = Field(default=None, max_length=8)


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


def normalise(item: IncomingMention, now: datetime) -> Mention:
    own_id = mention_id(item.source, item.external_id)
    parent = mention_id(item.source, item.in_reply_to) if item.in_reply_to else None
    return Mention(
        id=own_id,
        source=item.source,
        external_id=item.external_id,
        relationship_id=relationship_id(item.source, item.author.id),
        thread_id=parent or own_id,
        author=Author(**item.author.model_dump()),
        text=item.text,
        lang=item.lang.lower() if item.lang else None,
        created_at=item.created_at,
        url=item.url,
        in_reply_to=parent,
        ingested_at=now,
    )
