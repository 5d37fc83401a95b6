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
    corrections_from_kafka: Annotated[
        bool,
        typer.Option(
            help="Also train on people's corrections: the corrections topic, read to its end "
            "into <model dir>/corrections.jsonl first."
        ),
    ] = False,
) -> None:
    """Rebuilds the model from the corpus (+ corrections) reproducibly; prints its metrics."""
    from services.classify.artifacts import build, ensure_current
    from services.classify.artifacts import promote as make_current
    from services.classify.corpus import corpus_files
    from services.classify.settings import ClassifySettings

    settings = ClassifySettings()
    if if_missing:
        typer.echo(f"model {ensure_current(settings.model_dir, settings.model_version).version}")
        return
    extra = list(corrections or [])
    if corrections_from_kafka:
        exported = settings.model_dir / "corrections.jsonl"
        settings.model_dir.mkdir(parents=True, exist_ok=True)
        typer.echo(f"{_export(settings, exported)} corrections -> {exported}")
        extra.append(exported)
    built = build(corpus_files(), extra, settings.model_dir)
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
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            exists=True, dir_okay=False, help="Labelled JSONL files; default: the splits below."
        ),
    ] = None,
    confusions: Annotated[
        bool, typer.Option(help="Also per set: precision, recall and the top confusions.")
    ] = False,
    independent: Annotated[
        bool,
        typer.Option(
            help="Include the independent test set; --no-independent while choosing a model, "
            "so the choice never sees it."
        ),
    ] = True,
) -> None:
    """The model in use, side by side per topic: the validation folds (written files the
    model's probe never saw), the generator's random split, the independent test set.
    With FILES: those files instead (each a column)."""
    from services.classify.artifacts import ensure_current, metadata_of
    from services.classify.corpus import (
        DEFAULT_TOPICS,
        INDEPENDENT_DIR,
        TEST_FILE,
        CorpusError,
        independent_files,
        read_examples,
    )
    from services.classify.evaluation import Evaluation, format_evaluation, format_side_by_side
    from services.classify.settings import ClassifySettings
    from services.classify.training import predict_and_evaluate

    settings = ClassifySettings()
    model = ensure_current(settings.model_dir, settings.model_version)
    columns: dict[str, Evaluation] = {}
    sets: dict[str, list[Path]] = {str(f): [f] for f in files or []}
    if not files:
        validation = metadata_of(model.version, settings.model_dir).get("validation")
        if isinstance(validation, dict):
            columns["validation (CV)"] = Evaluation.from_dict(validation)
        sets = {"random split": [TEST_FILE]}
        if independent:
            sets["independent"] = independent_files()
    for name, paths in sets.items():
        try:
            examples = [e for path in paths if path.exists() for e in read_examples(path)]
        except CorpusError as err:
            raise typer.BadParameter(str(err)) from err
        if not examples:
            typer.echo(f"{name}: no labelled mentions ({INDEPENDENT_DIR if not files else name})")
            continue
        columns[name] = predict_and_evaluate(model, examples, DEFAULT_TOPICS)
    typer.echo(f"model {model.version}")
    typer.echo(format_side_by_side(columns))
    if confusions:
        for name, evaluation in columns.items():
            typer.echo("")
            typer.echo(format_evaluation(evaluation, name))


control_app = typer.Typer(
    no_args_is_help=True, help="People's corrections; the live and shadow model versions."
)


def _export(settings: object, target: Path) -> int:
    """Writes the corrections topic, latest per mention, sorted, as training lines."""
    from services.classify.corrections import example_line, latest_by_mention
    from services.classify.topic_reading import read_to_end
    from services.common.settings import CommonSettings
    from services.common.topics import TopicNames

    assert isinstance(settings, CommonSettings)
    topic = TopicNames(settings.topic_prefix).classify_corrections
    items = latest_by_mention(read_to_end(settings.kafka_bootstrap, topic))
    staging = target.with_name(f".{target.name}.tmp")
    staging.write_text("".join(example_line(item) + "\n" for item in items), encoding="utf-8")
    staging.replace(target)
    return len(items)


@control_app.command("export-corrections")
def export_corrections(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="JSONL file to write.")],
) -> None:
    """Writes people's corrections (the latest per mention) as labelled lines for
    `webcare train --corrections FILE`; the same corrections always give the same file."""
    from services.classify.settings import ClassifySettings

    typer.echo(f"{_export(ClassifySettings(), file)} corrections -> {file}")


def _command(role: str, version: str | None) -> None:
    from services.classify.artifacts import ModelUnavailable, metadata_of
    from services.classify.control import send_command
    from services.classify.settings import ClassifySettings
    from services.common.topics import TopicNames

    settings = ClassifySettings()
    if version is not None:
        try:
            metadata_of(version, settings.model_dir)
        except ModelUnavailable as err:
            raise typer.BadParameter(f"no model {version} in {settings.model_dir}") from err
    topic = TopicNames(settings.topic_prefix).classify_control
    command = send_command(settings.kafka_bootstrap, topic, role, version)
    typer.echo(f"{role} = {version or '-'} ({command.command_id}) on {topic}")


@control_app.command("promote")
def promote_version(
    version: Annotated[str, typer.Argument(help="A built model version (webcare train).")],
) -> None:
    """Makes VERSION the live model of every running classify worker, without a restart,
    and ends the shadow run; CURRENT points at it too, for workers started later."""
    from services.classify.artifacts import promote as make_current
    from services.classify.settings import ClassifySettings

    _command("shadow", None)
    _command("live", version)
    make_current(version, ClassifySettings().model_dir)


@control_app.command("shadow")
def shadow_version(
    version: Annotated[str | None, typer.Argument(help="A built model version.")] = None,
    off: Annotated[bool, typer.Option("--off", help="Stop the shadow run.")] = False,
) -> None:
    """Runs VERSION beside the live model on every classify worker (both answers recorded)."""
    if (version is None) == (not off):
        raise typer.BadParameter("give a VERSION or --off")
    _command("shadow", None if off else version)
