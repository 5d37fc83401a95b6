"""File replay: feeds a JSONL or CSV file of webhook-format mentions into the raw topic.

For backfills and demos. JSONL: one mention in the webhook format per line.
CSV: a header row and one mention per row, with the webhook fields as columns
and the author's as `author_id`, `author_handle`, `author_display_name`,
`author_profile_url`, `author_followers` (see `CSV_COLUMNS`). A record that is
not a mention is reported with its line number and dead-lettered, and the
replay goes on. The organisation's own posts are marked (`from_organisation`)
exactly as the webhook and the connectors mark them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from schemas import Mention
from services.common.validation import describe
from services.ingest.channels import configured_identities
from services.ingest.normalise import IncomingMention, normalise
from services.ingest.publisher import MentionPublisher

CSV_COLUMNS = [
    "source",
    "external_id",
    "author_id",
    "author_handle",
    "author_display_name",
    "author_profile_url",
    "author_followers",
    "text",
    "created_at",
    "url",
    "in_reply_to",
    "thread_root",
    "lang",
    "kind",
    "html",
]


@dataclass
class ReplayReport:
    accepted: int = 0
    rejected: list[str] = field(default_factory=list)


def read_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line.rstrip(b"\r\n")


def csv_record(row: dict[str, str | None]) -> dict[str, Any]:
    """A CSV row as the webhook object; empty cells are absent fields, except that an empty
    `text` cell is an empty text (a file with the column sent it; CSV has no other way)."""
    cells = {k: v for k, v in row.items() if k and v not in (None, "")}
    if row.get("text") == "":
        cells["text"] = ""
    author = {
        key.removeprefix("author_"): cells.pop(key)
        for key in list(cells)
        if key.startswith("author_")
    }
    record: dict[str, Any] = dict(cells)
    if author:
        record["author"] = author
    if "html" in record:
        record["html"] = str(record["html"]).lower() in ("1", "true", "yes")
    return record


def read_records(path: Path) -> Iterator[tuple[int, bytes, Any]]:
    """(line number, original bytes, parsed JSON value or the raw bytes) for JSONL or CSV."""
    if path.suffix.lower() != ".csv":
        for number, line in read_lines(path):
            yield number, line, line
        return
    with path.open(encoding="utf-8", newline="", errors="surrogateescape") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            out = io.StringIO()
            csv.writer(out).writerow(row.values())
            original = out.getvalue().rstrip("\r\n").encode("utf-8", "surrogateescape")
            yield reader.line_num, original, csv_record(row)


def _item(value: Any) -> IncomingMention:
    if isinstance(value, bytes):
        item = IncomingMention.model_validate_json(value)
    else:
        item = IncomingMention.model_validate(value)
    missing = item.missing()
    if missing:
        raise ValueError("; ".join(missing))
    return item


def replay(
    path: Path,
    publisher: MentionPublisher,
    batch_size: int = 500,
    show_progress: bool = True,
    *,
    handles: Sequence[str] | None = None,
) -> ReplayReport:
    """Publishes every mention in the file; `handles` default to the configured organisation's."""
    own = list(configured_identities() if handles is None else handles)
    report = ReplayReport()
    total = sum(1 for _ in read_records(path))
    batch: list[Mention] = []
    progress = Progress(
        TextColumn("replay"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        disable=not show_progress,
    )
    with progress:
        task = progress.add_task("replay", total=total)
        for number, original, value in read_records(path):
            try:
                item = _item(value)
            except (ValidationError, ValueError) as err:
                problems = describe(err) if isinstance(err, ValidationError) else [str(err)]
                report.rejected.append(f"line {number}: {'; '.join(problems)}")
                publisher.dead_letter(original, "invalid_mention", "; ".join(problems), "replay")
                progress.advance(task)
                continue
            batch.append(normalise(item, datetime.now(UTC), own))
            if len(batch) >= batch_size:
                publisher.publish(batch)
                report.accepted += len(batch)
                progress.advance(task, len(batch))
                batch = []
        if batch:
            publisher.publish(batch)
            report.accepted += len(batch)
            progress.advance(task, len(batch))
    return report
