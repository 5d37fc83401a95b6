"""The history database: tables, engine and sessions, the same on SQLite and PostgreSQL.

SQLite (the default, a file in the state dir) serves one machine; PostgreSQL
serves production. Tables have no foreign keys between them: every topic is
consumed on its own, so a delivery receipt may be stored before its mention.
The schema is made and changed by the Alembic migrations in
`services/history/migrations` (`migrate`), never by `create_all` in production;
a test checks that these models and the migrations agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Registers PostgreSQL's full-text functions (to_tsvector) before the models use them.
import sqlalchemy.dialects.postgresql  # noqa: F401
from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    Engine,
    Index,
    Integer,
    String,
    Text,
    create_engine,
    event,
    func,
)
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql import column as text_column
from sqlalchemy.sql import literal_column
from sqlalchemy.types import TypeDecorator

# Text columns carry no length: the contracts in `schemas/` bound the values,
# and a second, drifting copy of those limits here would only turn valid
# messages into database errors.


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; SQLite stores them naive, so text order is time order."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: every stored time must be timezone-aware")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json() -> JSON:
    # none_as_null: a Python None is SQL NULL ("not classified yet"), not the JSON text 'null'.
    return JSON(none_as_null=True)


class Base(DeclarativeBase):
    pass


class MentionRow(Base):
    """One mention, enriched as its classification and routing arrive."""

    __tablename__ = "mentions"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    source: Mapped[str] = mapped_column(String)
    external_id: Mapped[str] = mapped_column(String)
    relationship_id: Mapped[str] = mapped_column(String, index=True)
    thread_id: Mapped[str] = mapped_column(String, index=True)
    author: Mapped[dict[str, Any]] = mapped_column(_json())
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    url: Mapped[str | None] = mapped_column(Text)
    in_reply_to: Mapped[str | None] = mapped_column(String)
    ingested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    topics: Mapped[list[str] | None] = mapped_column(_json())
    scores: Mapped[dict[str, float] | None] = mapped_column(_json())
    sentiment: Mapped[str | None] = mapped_column(String)
    model_version: Mapped[str | None] = mapped_column(String)
    classified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    priority: Mapped[str | None] = mapped_column(String)
    sla_deadline: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_id: Mapped[str | None] = mapped_column(String)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Derived from the conversation events of the mention (see `claims.mention_state`).
    status: Mapped[str] = mapped_column(String, default="open", server_default="open")
    claimed_by: Mapped[str | None] = mapped_column(String)
    claimed_department: Mapped[str | None] = mapped_column(String)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    tags: Mapped[list[str] | None] = mapped_column(_json())
    # Per topic, the words that drove it: [{"term", "weight"}] (migration 0003, issue 4).
    explanation: Mapped[dict[str, list[dict[str, Any]]] | None] = mapped_column(_json())

    __table_args__ = (
        Index("ix_mentions_created_at_id", "created_at", "id"),
        Index("ix_mentions_relationship_created", "relationship_id", "created_at"),
        Index("ix_mentions_status_sla", "status", "sla_deadline"),
        # Full-text search in both languages of the organisation (PostgreSQL only;
        # SQLite searches with LIKE).
        Index(
            "ix_mentions_fts_dutch",
            func.to_tsvector(literal_column("'dutch'"), text_column("text")),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_mentions_fts_english",
            func.to_tsvector(literal_column("'english'"), text_column("text")),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )


class MentionRouteRow(Base):
    """A department a mention was routed to, and the rule that sent it there."""

    __tablename__ = "mention_routes"

    mention_id: Mapped[str] = mapped_column(String, primary_key=True)
    department: Mapped[str] = mapped_column(String, primary_key=True)
    matched_topics: Mapped[list[str]] = mapped_column(_json())
    rule: Mapped[str] = mapped_column(Text)
    decision_id: Mapped[str] = mapped_column(String)


class DeliveryReceiptRow(Base):
    """One delivery attempt of a mention to a department channel."""

    __tablename__ = "delivery_receipts"

    receipt_id: Mapped[str] = mapped_column(String, primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String)
    mention_id: Mapped[str] = mapped_column(String, index=True)
    relationship_id: Mapped[str] = mapped_column(String, index=True)
    department: Mapped[str] = mapped_column(String)
    channel: Mapped[str] = mapped_column(String)
    target: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String)
    attempt: Mapped[int]
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class ConversationEventRow(Base):
    """Something a person did in a conversation: claimed, replied, re-tagged, resolved..."""

    __tablename__ = "conversation_events"

    event_id: Mapped[str] = mapped_column(String, primary_key=True)
    kind: Mapped[str] = mapped_column(String)
    relationship_id: Mapped[str] = mapped_column(String, index=True)
    mention_id: Mapped[str | None] = mapped_column(String, index=True)
    department: Mapped[str | None] = mapped_column(String)
    actor: Mapped[str] = mapped_column(String)
    text: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String)
    topics: Mapped[list[str] | None] = mapped_column(_json())
    linked_relationship_id: Mapped[str | None] = mapped_column(String)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Replies posted by publish (migration 0005): the account, and the post or the failure.
    account: Mapped[str | None] = mapped_column(String, nullable=True)
    request_id: Mapped[str | None] = mapped_column(String, nullable=True)
    post_id: Mapped[str | None] = mapped_column(String, nullable=True)
    post_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    failure_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    failure_message: Mapped[str | None] = mapped_column(Text, nullable=True)


class RelationshipLinkRow(Base):
    """Two relationships (accounts) that are one person; stored in both directions."""

    __tablename__ = "relationship_links"

    relationship_id: Mapped[str] = mapped_column(String, primary_key=True)
    linked_relationship_id: Mapped[str] = mapped_column(String, primary_key=True)
    event_id: Mapped[str] = mapped_column(String)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class ErasureRow(Base):
    """Tombstone of an erased relationship: data about it up to `erased_at` is never stored again.

    Rebuilt from the `erased` conversation event too, so a replay from offset
    zero into an empty database erases the person again.
    """

    __tablename__ = "erasures"

    relationship_id: Mapped[str] = mapped_column(String, primary_key=True)
    event_id: Mapped[str] = mapped_column(String)
    erased_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApiKeyRow(Base):
    """An API key: only the SHA-256 of its secret is kept."""

    __tablename__ = "api_keys"

    key_id: Mapped[str] = mapped_column(String, primary_key=True)
    secret_sha256: Mapped[str] = mapped_column(String)
    name: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String)
    department: Mapped[str | None] = mapped_column(String)
    scopes: Mapped[list[str]] = mapped_column(_json())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditRow(Base):
    """Who did what through the API, and how it ended."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String)
    key_id: Mapped[str | None] = mapped_column(String)
    action: Mapped[str] = mapped_column(String)
    target: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String)
    event_id: Mapped[str | None] = mapped_column(String)


class PersonRow(Base):
    """A person who signs in to the inbox; only the argon2 hash of the password is kept."""

    __tablename__ = "people"

    username: Mapped[str] = mapped_column(String, primary_key=True)
    display_name: Mapped[str] = mapped_column(String)
    departments: Mapped[list[str]] = mapped_column(_json())
    role: Mapped[str] = mapped_column(String)
    password_hash: Mapped[str | None] = mapped_column(String)
    language: Mapped[str] = mapped_column(String, default="nl", server_default="nl")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebSessionRow(Base):
    """A signed-in browser: the cookie holds the token, the table only its SHA-256."""

    __tablename__ = "web_sessions"

    token_sha256: Mapped[str] = mapped_column(String, primary_key=True)
    username: Mapped[str] = mapped_column(String, index=True)
    csrf_token: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SavedReplyRow(Base):
    """A department's saved reply in one language, with placeholders such as {author_name}."""

    __tablename__ = "saved_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    department: Mapped[str] = mapped_column(String, index=True)
    language: Mapped[str] = mapped_column(String)
    title: Mapped[str] = mapped_column(String)
    body: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


def database_url(url: str) -> URL:
    """Parses a URL; plain `postgresql://` gets the psycopg 3 driver, the one installed."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str) -> Engine:
    parsed = database_url(url)
    if parsed.get_backend_name() != "sqlite":
        # As many connections as the API's threadpool (40) has threads, so a burst of
        # requests waits for the database, never for the pool.
        return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=30)
    memory = parsed.database in (None, "", ":memory:")
    if not memory and parsed.database is not None:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        parsed,
        # The API's threadpool and the projection threads share the pool; an in-memory
        # database exists once per connection, so it gets exactly one.
        connect_args={"check_same_thread": False, "timeout": 30.0, "isolation_level": None},
        poolclass=StaticPool if memory else None,
    )
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the API read while the projection writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Starts SQLite transactions ourselves (the driver's own BEGIN comes too late).

    Writers begin IMMEDIATE: a deferred transaction that reads, then writes,
    fails at once with "database is locked" when another writer committed in
    between, instead of waiting for the lock.
    """
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def session_factories(engine: Engine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """(readers, writers): writer sessions take SQLite's write lock when they begin."""
    readers = sessionmaker(engine, expire_on_commit=False)
    writers = sessionmaker(
        engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
    )
    return readers, writers


PROJECTION_TABLES = (
    MentionRow,
    MentionRouteRow,
    DeliveryReceiptRow,
    ConversationEventRow,
    RelationshipLinkRow,
    ErasureRow,
)


def create_schema(engine: Engine) -> None:
    """Brings the database to the newest migration (kept under its old name for callers)."""
    from services.history.migrate import migrate

    migrate(engine)
