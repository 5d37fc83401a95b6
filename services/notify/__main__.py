"""Starts the notifier: `python -m services.notify`."""

from services.common.faust_runtime import run_worker
from services.common.metrics import serve_metrics
from services.notify.app import build_app
from services.notify.settings import NotifySettings


def main() -> None:
    settings = NotifySettings()
    serve_metrics(settings.metrics_port, settings.metrics_host, settings.health_stall_s)
    run_worker(build_app(settings), "notify", settings.log_level)


if __name__ == "__main__":
    main()
