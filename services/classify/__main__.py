"""Starts the classifier: `python -m services.classify`."""

from services.classify.app import build_app
from services.classify.settings import ClassifySettings
from services.common.faust_runtime import run_worker
from services.common.metrics import serve_metrics


def main() -> None:
    settings = ClassifySettings()
    serve_metrics(settings.metrics_port, settings.metrics_host)
    run_worker(build_app(settings), "classify", settings.log_level)


if __name__ == "__main__":
    main()
