"""Starts history (projection worker and HTTP API in one process): `python -m services.history`."""

import logging

from services.common.faust_runtime import run_worker
from services.common.logs import setup_logging
from services.common.metrics import serve_metrics
from services.common.organisation import load_organisation_or_exit
from services.common.topics import TopicNames
from services.history.app import STAGE, build_app
from services.history.database import make_engine
from services.history.migrate import migrate
from services.history.publisher import EventPublisher
from services.history.settings import HistorySettings


def main() -> None:
    settings = HistorySettings()
    setup_logging(STAGE, settings.log_level)  # until the worker takes over logging
    serve_metrics(settings.metrics_port, settings.metrics_host, settings.health_stall_s)
    engine = make_engine(settings.database_url)
    # Before the worker starts: a database we cannot reach stops the service at once, with
    # the error, instead of dead-lettering every message.
    migrate(engine)
    organisation = load_organisation_or_exit(settings.organisation_config)
    logging.getLogger(__name__).info(
        "history starting",
        extra={"database": engine.url.render_as_string(hide_password=True), "port": settings.port},
    )
    publisher = EventPublisher(
        settings.kafka_bootstrap, TopicNames(settings.topic_prefix).conversation_events
    )
    try:
        run_worker(build_app(settings, engine, organisation, publisher), STAGE, settings.log_level)
    finally:
        publisher.close()
        engine.dispose()


if __name__ == "__main__":
    main()
