"""`webcare route ...`: batch jobs around the route service.

`webcare route backtest --config new.yaml --since 7d` reads the past classified
mentions and conversation events from Kafka with a group-less consumer that
assigns and seeks partitions itself (it commits nothing and joins no group, so
live state is untouched), routes every mention under the running policy and
under the proposed one, and prints how they differ.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from kafka import KafkaConsumer, TopicPartition
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Table

from schemas import ClassifiedMention, ConversationEvent
from services.common.kafka import bootstrap_servers
from services.common.organisation import load_organisation_or_exit
from services.common.settings import CommonSettings
from services.common.topics import TopicNames
from services.route.backtest import BacktestReport, backtest, first_replies, parse_since

route_app = typer.Typer(no_args_is_help=True, help="The route service's batch jobs.")

Model = TypeVar("Model", bound=BaseModel)


def read_since(bootstrap: str, topic: str, since: datetime, model: type[Model]) -> Iterator[Model]:
    """Every valid message on `topic` from `since` up to the end as of now; commits nothing."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers(bootstrap),
        group_id=None,
        enable_auto_commit=False,
        consumer_timeout_ms=2_000,
    )
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        if not partitions:
            raise typer.BadParameter(f"topic {topic} does not exist")
        consumer.assign(partitions)
        end = consumer.end_offsets(partitions)
        starts = consumer.offsets_for_times(
            {tp: int(since.timestamp() * 1000) for tp in partitions}
        )
        remaining = set()
        for tp in partitions:
            found = starts.get(tp)
            offset = found.offset if found is not None else end[tp]
            consumer.seek(tp, offset)
            if offset < end[tp]:
                remaining.add(tp)
        while remaining:
            batch = consumer.poll(timeout_ms=2_000)
            if not batch:
                break
            for tp, records in batch.items():
                for record in records:
                    if record.offset >= end[tp]:
                        remaining.discard(tp)
                        continue
                    try:
                        yield model.model_validate_json(record.value)
                    except ValidationError:
                        continue  # the live service dead-letters these; a backtest skips them
                    if record.offset + 1 >= end[tp]:
                        remaining.discard(tp)
    finally:
        consumer.close()


def _counts_table(title: str, counts: Mapping[str, Mapping[str, int]]) -> Table:
    table = Table(title=title)
    table.add_column("")
    table.add_column("now", justify="right")
    table.add_column("proposed", justify="right")
    table.add_column("change", justify="right")
    before, after = counts["before"], counts["after"]
    for key in sorted(set(before) | set(after)):
        delta = after.get(key, 0) - before.get(key, 0)
        table.add_row(key, str(before.get(key, 0)), str(after.get(key, 0)), f"{delta:+d}")
    return table


def render(report: BacktestReport, console: Console, limit: int) -> None:
    changed = report.changed
    console.print(
        f"{report.mentions} mentions replayed; {len(changed)} would be handled differently "
        f"({sum(d.departments_changed for d in changed)} other departments, "
        f"{sum(d.before.priority != d.after.priority for d in changed)} other priority, "
        f"{sum(d.before.sla_deadline != d.after.sla_deadline for d in changed)} other deadline, "
        f"{sum(d.outcome_before != d.outcome_after for d in changed)} other SLA outcome)"
    )
    console.print(_counts_table("Deliveries per department", report.departments))
    console.print(_counts_table("Priorities", report.priorities))
    console.print(_counts_table("SLA outcomes", report.outcomes))
    if not changed:
        return
    table = Table(title=f"Mentions that change (first {min(limit, len(changed))})")
    for column in ("mention", "departments", "priority", "deadline", "SLA"):
        table.add_column(column)
    for diff in changed[:limit]:
        b, a = diff.before, diff.after

        def arrow(x: str, y: str) -> str:
            return x if x == y else f"{x} → {y}"

        table.add_row(
            diff.mention_id,
            arrow(
                ",".join(sorted(r.department for r in b.departments)),
                ",".join(sorted(r.department for r in a.departments)),
            ),
            arrow(b.priority, a.priority),
            arrow(
                f"{b.sla_deadline:%Y-%m-%d %H:%M}" if b.sla_deadline else "-",
                f"{a.sla_deadline:%Y-%m-%d %H:%M}" if a.sla_deadline else "-",
            ),
            arrow(diff.outcome_before, diff.outcome_after),
        )
    console.print(table)


@route_app.command("backtest")
def backtest_command(
    config: Annotated[
        Path,
        typer.Option(exists=True, dir_okay=False, readable=True, help="The proposed policy."),
    ],
    since: Annotated[str, typer.Option(help="How far back: 7d, 24h, 90m or an ISO date.")] = "7d",
    limit: Annotated[int, typer.Option(min=0, help="Changed mentions to list.")] = 20,
) -> None:
    """Replays past classified mentions through a changed policy and prints the difference."""
    settings = CommonSettings()
    current = load_organisation_or_exit(settings.organisation_config)
    proposed = load_organisation_or_exit(config)
    now = datetime.now(UTC)
    try:
        start = parse_since(since, now)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from err
    topics = TopicNames(settings.topic_prefix)
    mentions = read_since(settings.kafka_bootstrap, topics.classified, start, ClassifiedMention)
    events = read_since(
        settings.kafka_bootstrap, topics.conversation_events, start, ConversationEvent
    )
    replies = first_replies(events)
    report = backtest(mentions, replies, current, proposed, now)
    render(report, Console(width=160), limit)
