"""`webcare train` and `webcare eval`: build a model version, measure a model on labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, help="The classifier's model.")


@app.command("train")
def train_model(
    corrections: Annotated[
        list[Path] | None,
        typer.Option(help="Extra labelled JSONL files, e.g. people's corrections."),
    ] = None,
    promote: Annotated[bool, typer.Option(help="Make it the version the service loads.")] = True,
    if_missing: Annotated[
        bool, typer.Option(help="Only build when the model the service would load is missing.")
    ] = False,
) -> None:
    """Rebuilds the model from the corpus (+ corrections) reproducibly; prints its metrics."""
    from services.classify.artifacts import build, ensure_current
    from services.classify.artifacts import promote as make_current
    from services.classify.corpus import TRAIN_FILE
    from services.classify.settings import ClassifySettings

    settings = ClassifySettings()
    if if_missing:
        typer.echo(f"model {ensure_current(settings.model_dir, settings.model_version).version}")
        return
    built = build([TRAIN_FILE, *(corrections or [])], settings.model_dir)
    version = str(built.metadata["version"])
    if promote:
        make_current(version, settings.model_dir)
    typer.echo(f"model {version} -> {settings.model_dir / version}")
    typer.echo(
        f"examples: {built.metadata['examples']}  thresholds: {built.metadata['thresholds']}"
    )
    for part in ("validation", "held_out"):
        if part in built.metadata:
            typer.echo(f"{part}: {json.dumps(built.metadata[part])}")
    if promote:
        typer.echo(f"CURRENT = {version}")


@app.command("eval")
def eval_model(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Per-topic precision/recall/F1, macro-F1, sentiment accuracy and top confusions on FILE."""
    from services.classify.artifacts import ensure_current
    from services.classify.corpus import DEFAULT_TOPICS, CorpusError, read_examples
    from services.classify.evaluation import format_evaluation
    from services.classify.settings import ClassifySettings
    from services.classify.training import predict_and_evaluate

    settings = ClassifySettings()
    try:
        examples = read_examples(file)
    except CorpusError as err:
        raise typer.BadParameter(str(err)) from err
    model = ensure_current(settings.model_dir, settings.model_version)
    evaluation = predict_and_evaluate(model, examples, DEFAULT_TOPICS)
    typer.echo(format_evaluation(evaluation, f"model {model.version} on {file}"))
