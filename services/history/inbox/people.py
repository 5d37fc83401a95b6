"""People who sign in to the inbox: who they are, their role, and their password hashes.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's
low-memory profile). Checking an unknown username still costs one hash, so the
answer's timing does not say which usernames exist.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.history.database import PersonRow, WebSessionRow
from services.history.keys import Principal, Role, Scope

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10
LANGUAGES = ("nl", "en")

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password anyone has")


class PeopleError(Exception):
    """A person cannot be added or changed as asked; the message says why."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise PeopleError(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def add_person(
    session: Session,
    *,
    username: str,
    display_name: str | None,
    departments: Sequence[str],
    role: Role,
    password: str,
    known_departments: Sequence[str],
    now: datetime,
    language: str = "nl",
) -> PersonRow:
    """Stores a new person; a known username, department or a weak password is refused."""
    if not USERNAME.match(username):
        raise PeopleError(
            f"username {username!r}: 2-64 of a-z, 0-9, '.', '_', '-', "
            "starting with a letter or digit"
        )
    unknown = sorted(set(departments) - set(known_departments))
    if unknown:
        raise PeopleError(
            f"unknown departments {unknown}; the organisation has {known_departments}"
        )
    if not departments and role is Role.MEMBER:
        raise PeopleError("a member needs at least one --department")
    if language not in LANGUAGES:
        raise PeopleError(f"language must be one of {LANGUAGES}")
    if session.get(PersonRow, username) is not None:
        raise PeopleError(f"{username!r} exists already")
    row = PersonRow(
        username=username,
        display_name=display_name or username,
        departments=sorted(set(departments)),
        role=role.value,
        password_hash=hash_password(password),
        language=language,
        created_at=now,
        disabled_at=None,
    )
    session.add(row)
    return row


def list_people(session: Session) -> list[PersonRow]:
    return list(session.scalars(select(PersonRow).order_by(PersonRow.username)))


def disable_person(session: Session, username: str, now: datetime) -> PersonRow:
    """Disables a person and ends every session they have, at once."""
    row = session.get(PersonRow, username)
    if row is None:
        raise PeopleError(f"no person {username!r}")
    if row.disabled_at is None:
        row.disabled_at = now
    for web_session in session.scalars(
        select(WebSessionRow).where(WebSessionRow.username == username)
    ):
        session.delete(web_session)
    return row


def check_password(session: Session, username: str, password: str) -> PersonRow | None:
    """The enabled person with that username and password, else None (same cost either way)."""
    row = session.get(PersonRow, username) if USERNAME.match(username) else None
    stored = row.password_hash if row is not None and row.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled_at is not None or not row.password_hash:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    return row


def enabled_person(session: Session, username: str) -> PersonRow | None:
    """The enabled person with that username, for a sign-in someone else (the provider) checked."""
    row = session.get(PersonRow, username) if USERNAME.match(username) else None
    return row if row is not None and row.disabled_at is None else None


def principal_of(person: PersonRow) -> Principal:
    """A person acts under their own username, with their departments and role."""
    role = Role(person.role)
    scopes = {Scope.READ, Scope.ACT} | ({Scope.ADMIN} if role is Role.ADMIN else set())
    departments = frozenset(person.departments)
    return Principal(
        name=person.username,
        key_id=None,
        scopes=frozenset(scopes),
        department=min(departments) if departments else None,
        departments=departments,
        role=role,
    )
