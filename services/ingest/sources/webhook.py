"""The documented webhook body (one mention or a list), as a parser like the others."""

from __future__ import annotations

from datetime import datetime

from services.ingest.normalise import InvalidMention, parse_batch
from services.ingest.sources.base import Parsed

# A file given to `parse` may hold any number of mentions; the HTTP limit is applied there.
UNLIMITED = 1_000_000


def parse(raw: bytes, now: datetime) -> Parsed:
    parsed = Parsed()
    try:
        parsed.mentions.extend(parse_batch(raw, UNLIMITED))
    except InvalidMention as err:
        parsed.reject(err.reason, "; ".join(err.problems), raw)
    return parsed
