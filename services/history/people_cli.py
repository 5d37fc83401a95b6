"""`webcare people add|list|disable`: the people who sign in to the inbox.

The password is read from standard input (one line), never from an argument,
so it stays out of the shell history and the process list; on a terminal it
is asked for without echo.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from services.history.database import make_engine, session_factories
from services.history.keys import Role
from services.history.settings import HistorySettings

people_app = typer.Typer(no_args_is_help=True, help="People who sign in to the inbox.")


@contextmanager
def _writer() -> Iterator[Session]:
    from services.history.migrate import migrate

    engine = make_engine(HistorySettings().database_url)
    try:
        migrate(engine)
        _readers, writers = session_factories(engine)
        with writers() as session, session.begin():
            yield session
    finally:
        engine.dispose()


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise typer.BadParameter("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _known_departments() -> list[str]:
    from services.common.organisation import load_organisation_or_exit

    return load_organisation_or_exit(HistorySettings().organisation_config).department_slugs


@people_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Sign-in name: a-z, 0-9, '.', '_', '-'.")],
    department: Annotated[
        list[str] | None, typer.Option(help="A department slug the person works in (repeatable).")
    ] = None,
    role: Annotated[Role, typer.Option(help="member, lead or admin.")] = Role.MEMBER,
    name: Annotated[str | None, typer.Option(help="Display name (default: the username).")] = None,
    language: Annotated[str, typer.Option(help="nl or en.")] = "nl",
    exist_ok: Annotated[
        bool, typer.Option(help="A person of that name already there is left as it is.")
    ] = False,
) -> None:
    """Adds a person; the password comes from standard input."""
    from services.history.database import PersonRow
    from services.history.inbox.people import PeopleError, add_person

    password = _read_password()
    try:
        with _writer() as session:
            if exist_ok and session.get(PersonRow, username) is not None:
                typer.echo(f"{username} exists; left as it is")
                return
            add_person(
                session,
                username=username,
                display_name=name,
                departments=department or [],
                role=role,
                password=password,
                known_departments=_known_departments(),
                now=datetime.now(UTC),
                language=language,
            )
    except PeopleError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(code=2) from err
    typer.echo(f"added {username} ({role.value}; {', '.join(department or []) or 'no department'})")


@people_app.command("list")
def list_() -> None:
    """Lists people: username, name, departments, role, language, enabled or disabled."""
    from services.history.inbox.people import list_people

    with _writer() as session:
        for row in list_people(session):
            state = f"disabled {row.disabled_at:%Y-%m-%d %H:%M}" if row.disabled_at else "enabled"
            typer.echo(
                f"{row.username}\t{row.display_name}\t{','.join(row.departments) or '-'}\t"
                f"{row.role}\t{row.language}\t{state}"
            )


@people_app.command("disable")
def disable(username: str) -> None:
    """Disables a person: signing in stops, and every open session ends at once."""
    from services.history.inbox.people import PeopleError, disable_person

    try:
        with _writer() as session:
            disable_person(session, username, datetime.now(UTC))
    except PeopleError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(code=2) from err
    typer.echo(f"disabled {username}")
