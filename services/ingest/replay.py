"""File replay: feeds a JSONL file of webhook-format mentions into the raw topic.

For backfills and demos. Each line is one mention in the webhook format; a
line that is not gets reported with its line number and dead-lettered, and
the replay goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from schemas import Mention
from services.common.validation import describe
from services.ingest.normalise import IncomingMention, normalise
from services.ingest.publisher import MentionPublisher


@dataclass
class ReplayReport:
    accepted: int = 0
    rejected: list[str] = field(default_factory=list)


def read_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line.rstrip(b"\r\n")


def replay(
    path: Path, publisher: MentionPublisher, batch_size: int = 500, show_progress: bool = True
) -> ReplayReport:
    report = ReplayReport()
    total = sum(1 for _ in read_lines(path))
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
        for number, line in read_lines(path):
            try:
                item = IncomingMention.model_validate_json(line)
            except ValidationError as err:
                problems = describe(err)
                report.rejected.append(f"line {number}: {'; '.join(problems)}")
                publisher.dead_letter(line, "invalid_mention", "; ".join(problems), "replay")
                progress.advance(task)
                continue
            batch.append(normalise(item, datetime.now(UTC)))
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
