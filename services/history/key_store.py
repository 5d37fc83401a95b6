"""API keys and the audit trail in the database: create, list, revoke, authenticate, record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.history.database import ApiKeyRow, AuditRow
from services.history.keys import (
    ENV_ADMIN,
    KEY_ACTOR_PREFIX,
    KeyKind,
    NewKey,
    Principal,
    Role,
    Scope,
    generate,
    is_env_admin,
    matches,
    split,
)


def create_key(
    session: Session,
    *,
    name: str,
    kind: KeyKind,
    department: str | None,
    scopes: list[Scope],
    created_by: str,
    now: datetime,
) -> tuple[ApiKeyRow, str]:
    """Stores a new key and returns it with its token, which is shown this once."""
    new: NewKey = generate()
    row = ApiKeyRow(
        key_id=new.key_id,
        secret_sha256=new.secret_sha256,
        name=name,
        kind=kind.value,
        department=department,
        scopes=sorted(scope.value for scope in scopes),
        created_at=now,
        created_by=created_by,
        revoked_at=None,
    )
    session.add(row)
    return row, new.token


def list_keys(session: Session) -> list[ApiKeyRow]:
    return list(session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.key_id)))


def revoke_key(session: Session, key_id: str, now: datetime) -> ApiKeyRow | None:
    row = session.get(ApiKeyRow, key_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
    return row


def authenticate(session: Session, token: str, admin_key: str) -> Principal | None:
    """The principal a bearer token stands for, or None when it is not a valid, live key."""
    if is_env_admin(token, admin_key):
        return ENV_ADMIN
    parts = split(token)
    if parts is None:
        return None
    key_id, secret = parts
    row = session.get(ApiKeyRow, key_id)
    if row is None or row.revoked_at is not None or not matches(secret, row.secret_sha256):
        return None
    scopes = frozenset(Scope(scope) for scope in row.scopes)
    return Principal(
        name=f"{KEY_ACTOR_PREFIX}{row.name}",
        key_id=row.key_id,
        scopes=scopes,
        department=row.department,
        role=Role.ADMIN if Scope.ADMIN in scopes else Role.MEMBER,
    )


def record(
    session: Session,
    *,
    principal: Principal,
    action: str,
    target: str | None,
    outcome: str,
    now: datetime,
    event_id: str | None = None,
) -> None:
    session.add(
        AuditRow(
            at=now,
            actor=principal.name,
            key_id=principal.key_id,
            action=action,
            target=target,
            outcome=outcome,
            event_id=event_id,
        )
    )
