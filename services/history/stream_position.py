"""Where a department's live stream stands: the next offset to read per partition.

A server-sent event's `id:` is the position *after* that event, written as
`p0:o0,p1:o1,...`. A client that reconnects sends it back as `Last-Event-ID`,
and reading resumes at exactly those offsets, so nothing delivered in between
is missed and nothing already seen comes twice. Pure functions, no Kafka.
"""

from __future__ import annotations

import re

Position = dict[int, int]

_PART = re.compile(r"^(\d{1,6}):(\d{1,19})$")


class BadPosition(ValueError):
    """A `Last-Event-ID` this server did not write."""


def format_position(position: Position) -> str:
    return ",".join(f"{partition}:{offset}" for partition, offset in sorted(position.items()))


def parse_position(text: str) -> Position:
    """The offsets a `Last-Event-ID` names; BadPosition when it is not one of ours."""
    position: Position = {}
    for part in text.strip().split(","):
        found = _PART.match(part.strip())
        if found is None:
            raise BadPosition(f"not a stream position: {text[:80]!r}")
        position[int(found.group(1))] = int(found.group(2))
    return position


def advanced(position: Position, partition: int, offset: int) -> Position:
    """The position after reading the record at `offset` of `partition`."""
    return {**position, partition: offset + 1}
