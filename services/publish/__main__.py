"""Starts the publisher: `python -m services.publish`."""

import asyncio

from services.common.logs import setup_logging
from services.common.metrics import serve_metrics
from services.publish.app import run
from services.publish.settings import PublishSettings


def main() -> None:
    settings = PublishSettings()
    setup_logging("publish", settings.log_level)
    serve_metrics(settings.metrics_port, settings.metrics_host)
    asyncio.run(run(settings))


if __name__ == "__main__":
    main()
