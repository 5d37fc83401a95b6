"""Browser sessions of the inbox, kept server-side so a logout or a disabled person ends them.

The cookie holds a random token; the table holds its SHA-256, the person and
the session's CSRF token. Signing in always starts a new session (no fixation);
a session of a disabled person, or past its lifetime, is not found.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from services.history.database import PersonRow, WebSessionRow


@dataclass(frozen=True)
class SignedIn:
    person: PersonRow
    csrf_token: str
    token_sha256: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, person: PersonRow, now: datetime, lifetime: timedelta) -> str:
    """A new session for `person`; returns the cookie's token (shown to the browser only)."""
    token = secrets.token_urlsafe(32)
    session.add(
        WebSessionRow(
            token_sha256=_digest(token),
            username=person.username,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
    return token


def find(session: Session, token: str | None, now: datetime) -> SignedIn | None:
    if not token or len(token) > 200:
        return None
    row = session.get(WebSessionRow, _digest(token))
    if row is None or row.expires_at <= now:
        return None
    person = session.get(PersonRow, row.username)
    if person is None or person.disabled_at is not None:
        return None
    return SignedIn(person=person, csrf_token=row.csrf_token, token_sha256=row.token_sha256)


def end(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(WebSessionRow).where(WebSessionRow.token_sha256 == _digest(token)))


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
