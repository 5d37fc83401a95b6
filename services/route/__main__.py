"""Starts the router: `python -m services.route`."""

from services.common.faust_runtime import run_worker
from services.common.metrics import serve_metrics
from services.route.app import build_app
from services.route.settings import RouteSettings


def main() -> None:
    settings = RouteSettings()
    serve_metrics(settings.metrics_port, settings.metrics_host, settings.health_stall_s)
    run_worker(build_app(settings), "route", settings.log_level)


if __name__ == "__main__":
    main()
