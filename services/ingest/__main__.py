"""Ingest: `python -m services.ingest` serves the webhook endpoint and runs the configured
connectors; `python -m services.ingest parse --source S FILE` checks parsing by hand."""

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from kafka.errors import KafkaError

from services.common.http import GracefulServer
from services.common.http_timeouts import timed_h11
from services.common.logs import logging_config, setup_logging
from services.common.metrics import HEARTBEAT, serve_metrics, with_heartbeat
from services.common.organisation import load_organisation_or_exit
from services.common.topics import TopicNames
from services.ingest.app import create_app
from services.ingest.channels import (
    build_connectors,
    configured_identities,
    own_identities,
    webhook_auth_or_exit,
)
from services.ingest.connectors import Backoff
from services.ingest.cursors import CursorStore, CursorStoreError, load_cursors
from services.ingest.parsing import PARSERS, parse_source
from services.ingest.publisher import MentionPublisher
from services.ingest.settings import IngestSettings

cli = typer.Typer(add_completion=False, help=__doc__)


@cli.callback(invoke_without_command=True)
def main(ctx: typer.Context) -> None:
    """Starts the ingest service when no command is given."""
    if ctx.invoked_subcommand is None:
        serve()


def serve() -> None:
    settings = IngestSettings()
    setup_logging("ingest", settings.log_level)
    serve_metrics(settings.metrics_port, settings.metrics_host, settings.health_stall_s)
    org = load_organisation_or_exit(settings.organisation_config)
    topics = TopicNames(settings.topic_prefix)
    publisher = MentionPublisher.connect(
        settings.kafka_bootstrap, topics, settings.publish_timeout_s
    )
    backoff = Backoff(
        settings.connector_backoff_s,
        settings.connector_backoff_max_s,
        settings.connector_max_attempts,
    )
    connectors = build_connectors(org, backoff)

    def cursors() -> CursorStore:
        initial = load_cursors(settings.kafka_bootstrap, topics.ingest_cursors, publisher)
        try:
            return CursorStore(publisher.producer, topics.ingest_cursors, initial)
        except KafkaError as err:
            raise CursorStoreError(f"Kafka unreachable: {type(err).__name__}") from err

    logging.getLogger(__name__).info(
        "ingest listening",
        extra={
            "host": settings.host,
            "port": settings.port,
            "connectors": [c.name for c in connectors],
        },
    )
    app = create_app(
        settings,
        publisher,
        own_identities(org),
        connectors,
        cursors,
        webhook_auth_or_exit(org, settings),
    )
    config = uvicorn.Config(
        with_heartbeat(app, HEARTBEAT, settings.health_stall_s),
        host=settings.host,
        port=settings.port,
        log_config=logging_config("ingest", settings.log_level),
        http=timed_h11(settings.header_timeout_s, settings.body_timeout_s),
    )
    try:
        GracefulServer(config).run()
    finally:
        publisher.close()


@cli.command("parse")
def parse(
    source: Annotated[str, typer.Option(help=f"One of {', '.join(PARSERS)}.")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    organisation: Annotated[
        Path | None,
        typer.Option(
            help="Organisation config, to mark its own posts; by default the configured one"
            " (WEBCARE_ORGANISATION_CONFIG), as the service uses."
        ),
    ] = None,
) -> None:
    """Prints the Mentions in FILE as JSON lines; each rejected record and why on stderr."""
    if source not in PARSERS:
        raise typer.BadParameter(f"unknown source; one of {list(PARSERS)}", param_hint="--source")
    handles = (
        own_identities(load_organisation_or_exit(organisation))
        if organisation
        else configured_identities()
    )
    result = parse_source(source, file.read_bytes(), datetime.now(UTC), handles)
    for mention in result.mentions:
        typer.echo(mention.model_dump_json())
    for rejection in result.rejected:
        detail = " ".join(rejection.detail.split())
        typer.echo(f"rejected {rejection.reason}: {detail}", err=True)
    if result.rejected and not result.mentions:
        raise typer.Exit(code=1)


if __name__ == "__main__":
    cli(prog_name="python -m services.ingest")
