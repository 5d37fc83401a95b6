"""From platform bytes to `Mention`s: picks the parser for a source and normalises its output.

Shared by the connectors, the `parse` command and the tests, so what a person
checks by hand is exactly what a connector publishes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from schemas import Mention
from services.common.validation import describe
from services.ingest.normalise import normalise
from services.ingest.sources import bluesky, feeds, mastodon, webhook
from services.ingest.sources.base import Parsed, Rejection

Parser = Callable[[bytes, datetime], Parsed]

PARSERS: dict[str, Parser] = {
    "mastodon": mastodon.parse,
    "bluesky": bluesky.parse,
    "rss": feeds.parse_rss,
    "atom": feeds.parse_atom,
    "webhook": webhook.parse,
}


@dataclass
class Normalised:
    mentions: list[Mention] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


def normalise_parsed(parsed: Parsed, now: datetime, handles: Iterable[str]) -> Normalised:
    """Mentions of everything a parser accepted; what the contract still refuses is rejected."""
    out = Normalised(rejected=list(parsed.rejected))
    handles = list(handles)
    for item in parsed.mentions:
        try:
            out.mentions.append(normalise(item, now, handles))
        except ValidationError as err:
            detail = "; ".join(describe(err))
            out.rejected.append(
                Rejection("invalid_mention", detail, item.model_dump_json().encode())
            )
    return out


def parse_source(source: str, raw: bytes, now: datetime, handles: Iterable[str]) -> Normalised:
    """Never raises for any bytes: every problem is a `Rejection` with a reason."""
    return normalise_parsed(PARSERS[source](raw, now), now, handles)
