"""API keys: how they look, how they are checked, and what each scope allows.

A key is `wck_<key_id>_<secret>`. Only the SHA-256 of the secret is stored;
the key id finds the row, and the hashes are compared in constant time. The
first admin key is not stored at all: it is `WEBCARE_ADMIN_KEY`, compared the
same way. Pure logic; the database side is in `key_store.py`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

PREFIX = "wck"


class Scope(StrEnum):
    READ = "read"
    ACT = "act"
    ADMIN = "admin"


class KeyKind(StrEnum):
    DEPARTMENT = "department"
    OPERATOR = "operator"


class Role(StrEnum):
    """What a person (or key) may act on: members their departments' mentions, the rest any."""

    MEMBER = "member"
    LEAD = "lead"
    ADMIN = "admin"


KEY_ACTOR_PREFIX = "key:"  # a username cannot hold ':', so a key never passes as a person


@dataclass(frozen=True)
class Principal:
    """Who is calling: the actor name that goes into events and the audit trail.

    `name` is a person's username or `key:<key name>`; it never comes from a
    request. Reads are open to everyone with the read scope: nobody owns a
    relationship. Acting is narrower (`may_act_on`).
    """

    name: str
    key_id: str | None
    scopes: frozenset[Scope]
    department: str | None
    departments: frozenset[str] = frozenset()
    role: Role = Role.MEMBER

    def may(self, scope: Scope) -> bool:
        return scope in self.scopes

    def home_departments(self) -> frozenset[str]:
        return self.departments | ({self.department} if self.department else set())

    def may_act_for(self, department: str) -> bool:
        """Every department reads everything, but a member acts only for their own."""
        if Scope.ACT not in self.scopes:
            return False
        return self.role is not Role.MEMBER or department in self.home_departments()

    def may_act_on(self, routed_to: Iterable[str]) -> bool:
        """A member acts on mentions routed to one of their departments; a lead or admin on any."""
        if Scope.ACT not in self.scopes:
            return False
        return self.role is not Role.MEMBER or bool(self.home_departments() & set(routed_to))

    def acting_department(self, routed_to: Iterable[str]) -> str | None:
        """The department an action is recorded for: one of ours the mention went to, if any."""
        routed = set(routed_to)
        ours = sorted(self.home_departments() & routed) or sorted(self.home_departments())
        return ours[0] if ours else None


ENV_ADMIN = Principal(
    name=f"{KEY_ACTOR_PREFIX}admin",
    key_id=None,
    scopes=frozenset(Scope),
    department=None,
    role=Role.ADMIN,
)


@dataclass(frozen=True)
class NewKey:
    key_id: str
    secret_sha256: str
    token: str  # shown once, never stored


def sha256_hex(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate() -> NewKey:
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return NewKey(
        key_id=key_id, secret_sha256=sha256_hex(secret), token=f"{PREFIX}_{key_id}_{secret}"
    )


def split(token: str) -> tuple[str, str] | None:
    """(key_id, secret) of a well-formed key, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def matches(secret: str, stored_sha256: str) -> bool:
    return hmac.compare_digest(sha256_hex(secret), stored_sha256)


def is_env_admin(token: str, admin_key: str) -> bool:
    """The environment's admin key, compared without leaking its length or content by timing."""
    return bool(admin_key) and hmac.compare_digest(sha256_hex(token), sha256_hex(admin_key))


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
