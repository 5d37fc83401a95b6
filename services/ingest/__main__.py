"""Starts the ingest HTTP endpoint: `python -m services.ingest`."""

import logging

from services.common.http import serve_http
from services.common.logs import logging_config, setup_logging
from services.common.metrics import serve_metrics
from services.common.topics import TopicNames
from services.ingest.app import create_app
from services.ingest.publisher import MentionPublisher
from services.ingest.settings import IngestSettings


def main() -> None:
    settings = IngestSettings()
    setup_logging("ingest", settings.log_level)
    serve_metrics(settings.metrics_port, settings.metrics_host)
    publisher = MentionPublisher.connect(
        settings.kafka_bootstrap, TopicNames(settings.topic_prefix), settings.publish_timeout_s
    )
    logging.getLogger(__name__).info(
        "ingest listening", extra={"host": settings.host, "port": settings.port}
    )
    try:
        serve_http(
            create_app(settings, publisher),
            settings.host,
            settings.port,
            logging_config("ingest", settings.log_level),
        )
    finally:
        publisher.close()


if __name__ == "__main__":
    main()
