"""The `webcare` command: administration and batch jobs around the running services."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from services.classify import cli as classify_cli
from services.common.kafka import ensure_topics
from services.common.organisation import load_organisation_or_exit
from services.common.settings import CommonSettings
from services.common.topics import TopicNames
from services.history.cli import history_app as history_admin_app
from services.history.cli import keys_app as history_keys_app
from services.history.people_cli import people_app
from services.notify.dlq import dlq_app
from services.route.cli import route_app

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
topics_app = typer.Typer(no_args_is_help=True, help="Kafka topics.")
app.add_typer(topics_app, name="topics")
app.add_typer(route_app, name="route")
app.add_typer(history_keys_app, name="keys")
app.add_typer(history_admin_app, name="history")
app.add_typer(people_app, name="people")
app.add_typer(classify_cli.app)  # webcare train, webcare eval
app.add_typer(classify_cli.control_app, name="classify")
app.add_typer(dlq_app, name="dlq")


@topics_app.command("create")
def create_topics() -> None:
    """Creates every pipeline topic and one topic per department, with configured partitions."""
    settings = CommonSettings()
    org = load_organisation_or_exit(settings.organisation_config)
    names = TopicNames(settings.topic_prefix).all_for(org.department_slugs)
    created = ensure_topics(
        settings.kafka_bootstrap, names, settings.topic_partitions, settings.topic_replication
    )
    typer.echo(
        f"{len(names)} topics present ({len(created)} created) on {settings.kafka_bootstrap}"
    )


@app.command("replay")
def replay_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    batch_size: Annotated[int, typer.Option(min=1, max=10_000)] = 500,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Replays a JSONL or CSV file of webhook-format mentions into the pipeline."""
    from services.ingest.publisher import MentionPublisher
    from services.ingest.replay import replay
    from services.ingest.settings import IngestSettings

    settings = IngestSettings()
    publisher = MentionPublisher.connect(
        settings.kafka_bootstrap, TopicNames(settings.topic_prefix), settings.publish_timeout_s
    )
    try:
        report = replay(file, publisher, batch_size=batch_size, show_progress=progress)
    finally:
        publisher.close()
    for problem in report.rejected:
        typer.echo(problem, err=True)
    typer.echo(f"replayed {report.accepted} mentions, rejected {len(report.rejected)}")
    if report.rejected and not report.accepted:
        raise typer.Exit(code=1)


@app.command("watch")
def watch_department(
    department: Annotated[str, typer.Argument(help="Department slug, e.g. 'service'.")],
    from_beginning: Annotated[bool, typer.Option(help="Start at the oldest delivery.")] = True,
) -> None:
    """Prints the deliveries arriving on a department's queue (webcare.dept.<slug>), one a line."""
    from kafka import KafkaConsumer

    from schemas import DepartmentDelivery
    from services.common.kafka import bootstrap_servers

    settings = CommonSettings()
    org = load_organisation_or_exit(settings.organisation_config)
    if department not in org.department_slugs:
        raise typer.BadParameter(f"unknown department; one of {org.department_slugs}")
    consumer = KafkaConsumer(
        TopicNames(settings.topic_prefix).department(department),
        bootstrap_servers=bootstrap_servers(settings.kafka_bootstrap),
        auto_offset_reset="earliest" if from_beginning else "latest",
        enable_auto_commit=False,
    )
    try:
        for record in consumer:
            delivery = DepartmentDelivery.model_validate_json(record.value)
            text = " ".join(delivery.mention.text.split())[:100]
            typer.echo(
                f"{delivery.created_at:%H:%M:%S} [{delivery.priority}] {delivery.mention.id} "
                f"@{delivery.mention.author.handle} {','.join(delivery.topics) or '-'}: {text}"
            )
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()


def main() -> None:
    app(prog_name="webcare", args=sys.argv[1:])


if __name__ == "__main__":
    main()
