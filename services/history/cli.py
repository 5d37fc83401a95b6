"""`webcare keys ...` and `webcare history rebuild`: history administration from the shell."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from services.history.database import make_engine, session_factories
from services.history.keys import KeyKind, Scope
from services.history.settings import HistorySettings

keys_app = typer.Typer(no_args_is_help=True, help="API keys of the history API.")
history_app = typer.Typer(no_args_is_help=True, help="The history database.")

CLI_ACTOR = "cli"


@keys_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="Department slug or person the key acts as.")],
    kind: Annotated[KeyKind, typer.Option(help="department or operator")] = KeyKind.OPERATOR,
    department: Annotated[str | None, typer.Option(help="Department it acts for.")] = None,
    scope: Annotated[
        list[Scope] | None, typer.Option(help="read, act, admin (repeatable).")
    ] = None,
) -> None:
    """Creates a key and prints it (the only time it is shown)."""
    from services.history import key_store
    from services.history.migrate import migrate

    scopes = scope or [Scope.READ]
    if kind is KeyKind.DEPARTMENT and department is None:
        department = name
    if Scope.ACT in scopes and department is None:
        raise typer.BadParameter("the act scope needs --department")
    engine = make_engine(HistorySettings().database_url)
    try:
        migrate(engine)
        _readers, writers = session_factories(engine)
        with writers() as session, session.begin():
            row, token = key_store.create_key(
                session,
                name=name,
                kind=kind,
                department=department,
                scopes=scopes,
                created_by=CLI_ACTOR,
                now=datetime.now(UTC),
            )
            key_id = row.key_id
    finally:
        engine.dispose()
    typer.echo(f"{key_id} {token}")


@keys_app.command("list")
def list_() -> None:
    """Lists keys: id, name, kind, department, scopes, revoked."""
    from services.history import key_store
    from services.history.migrate import migrate

    engine = make_engine(HistorySettings().database_url)
    try:
        migrate(engine)
        readers, _writers = session_factories(engine)
        with readers() as session:
            for row in key_store.list_keys(session):
                revoked = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "live"
                typer.echo(
                    f"{row.key_id}\t{row.name}\t{row.kind}\t{row.department or '-'}\t"
                    f"{','.join(row.scopes)}\t{revoked}"
                )
    finally:
        engine.dispose()


@keys_app.command("revoke")
def revoke(key_id: str) -> None:
    """Revokes a key; it stops working at once."""
    from services.history import key_store
    from services.history.migrate import migrate

    engine = make_engine(HistorySettings().database_url)
    try:
        migrate(engine)
        _readers, writers = session_factories(engine)
        with writers() as session, session.begin():
            row = key_store.revoke_key(session, key_id, datetime.now(UTC))
    finally:
        engine.dispose()
    if row is None:
        typer.echo(f"no key {key_id}", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"revoked {key_id}")


@history_app.command("rebuild")
def rebuild_command() -> None:
    """Empties the projection and replays every topic from offset zero (stop history first)."""
    from services.common.topics import TopicNames
    from services.history.rebuild import rebuild

    settings = HistorySettings()
    engine = make_engine(settings.database_url)
    try:
        report = rebuild(
            engine,
            settings.kafka_bootstrap,
            TopicNames(settings.topic_prefix),
            settings.claim_ttl,
        )
    finally:
        engine.dispose()
    applied = ", ".join(f"{k} {v}" for k, v in sorted(report.applied.items())) or "nothing"
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(report.skipped.items())) or "nothing"
    typer.echo(f"rebuilt: applied {applied}; skipped {skipped}")
