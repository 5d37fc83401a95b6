"""What every parser returns, and the helpers they share for reading untrusted JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from services.common.validation import describe
from services.ingest.normalise import IncomingMention

# Reasons that are not faults: the record is fine, it just is not a mention (a like, a follow).
NOT_A_MENTION = "not_a_mention"
MAX_DEPTH = 64


@dataclass(frozen=True)
class Rejection:
    """One record a parser could not turn into a mention, with why and its original bytes."""

    reason: str
    detail: str
    original: bytes

    @property
    def is_fault(self) -> bool:
        return self.reason != NOT_A_MENTION


@dataclass
class Parsed:
    mentions: list[IncomingMention] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def extend(self, other: Parsed) -> None:
        self.mentions.extend(other.mentions)
        self.rejected.extend(other.rejected)

    def reject(self, reason: str, detail: str, original: bytes) -> Parsed:
        self.rejected.append(Rejection(reason, detail[:4000], original))
        return self


class RecordError(ValueError):
    """A record that is not what the platform documents; `reason` is a metric label."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def _depth(value: Any, limit: int) -> int:
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def load_json(raw: bytes) -> Any:
    """JSON from untrusted bytes: invalid UTF-8, bad JSON and deep nesting are RecordErrors."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RecordError("invalid_utf8", str(err)) from err
    try:
        value = json.loads(text)
    except RecursionError as err:
        raise RecordError("too_deep", f"nested deeper than {MAX_DEPTH}") from err
    except ValueError as err:
        raise RecordError("invalid_json", str(err)) from err
    if _depth(value, MAX_DEPTH) > MAX_DEPTH:
        raise RecordError("too_deep", f"nested deeper than {MAX_DEPTH}")
    return value


def obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError("invalid_record", f"{where}: expected an object")
    return value


def text_field(record: dict[str, Any], key: str, where: str, required: bool = True) -> str | None:
    value = record.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise RecordError("invalid_record", f"{where}.{key}: expected a non-empty string")
    return value


def incoming(fields: dict[str, Any]) -> IncomingMention:
    """The webhook-format item for a record; a field the model refuses is a RecordError."""
    try:
        item = IncomingMention.model_validate(fields)
    except ValidationError as err:
        raise RecordError("invalid_record", "; ".join(describe(err))) from err
    if item.missing():
        raise RecordError("invalid_record", "; ".join(item.missing()))
    return item


def from_micros(time_us: int) -> datetime:
    return datetime.fromtimestamp(time_us / 1_000_000, tz=UTC)
