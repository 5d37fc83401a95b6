"""Starts the classifier: `python -m services.classify`; or `... predict < in > out`."""

import sys

from services.classify.settings import ClassifySettings


def main() -> None:
    settings = ClassifySettings()
    if sys.argv[1:] == ["predict"]:
        from services.classify.artifacts import ensure_current
        from services.classify.classifier import MentionClassifier
        from services.classify.predict import run
        from services.common.organisation import load_organisation_or_exit

        org = load_organisation_or_exit(settings.organisation_config)
        model = ensure_current(settings.model_dir, settings.model_version)
        run(sys.stdin, sys.stdout, MentionClassifier.for_organisation(model, org))
        return
    if sys.argv[1:]:
        raise SystemExit("usage: python -m services.classify [predict]")

    from services.classify.app import build_app
    from services.common.faust_runtime import run_worker
    from services.common.metrics import serve_metrics

    serve_metrics(settings.metrics_port, settings.metrics_host, settings.health_stall_s)
    run_worker(build_app(settings), "classify", settings.log_level)


if __name__ == "__main__":
    main()
