"""publish's durable ledger: "about to post request R" before the call, "posted R as P" after.

An entry left `posting` by a crash is resolved by asking the platform whether
the post exists before anything is posted again. SQLite by default (one
publisher); a PostgreSQL URL when several replicas share the partitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    select,
)
from sqlalchemy.engine import Engine

State = Literal["posting", "posted", "failed"]

metadata = MetaData()
entries = Table(
    "publish_ledger",
    metadata,
    Column("request_id", String(300), primary_key=True),
    Column("account", String(100), nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("post_id", String(300)),
    Column("post_url", String(2000)),
    Column("failure_status", Integer),
    Column("failure_message", Text),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
)


@dataclass(frozen=True)
class Entry:
    request_id: str
    account: str
    state: State
    attempts: int
    post_id: str | None = None
    post_url: str | None = None
    failure_status: int | None = None
    failure_message: str | None = None


class Ledger:
    def __init__(self, url: str) -> None:
        if url.startswith("postgresql://"):  # the psycopg 3 driver, the one installed
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        self.engine: Engine = create_engine(url, future=True)
        metadata.create_all(self.engine)

    def get(self, request_id: str) -> Entry | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(entries).where(entries.c.request_id == request_id)).first()
        if row is None:
            return None
        return Entry(
            row.request_id,
            row.account,
            row.state,
            row.attempts,
            row.post_id,
            row.post_url,
            row.failure_status,
            row.failure_message,
        )

    def begin(self, request_id: str, account: str, now: datetime) -> None:
        """Written, and durable, before the platform is called."""
        with self.engine.begin() as conn:
            updated = conn.execute(
                entries.update()
                .where(entries.c.request_id == request_id)
                .values(attempts=entries.c.attempts + 1)
            ).rowcount
            if not updated:
                conn.execute(
                    entries.insert().values(
                        request_id=request_id,
                        account=account,
                        state="posting",
                        attempts=1,
                        started_at=now,
                    )
                )

    def posted(self, request_id: str, post_id: str, url: str | None, now: datetime) -> None:
        self._finish(request_id, now, state="posted", post_id=post_id, post_url=url)

    def failed(self, request_id: str, status: int | None, message: str, now: datetime) -> None:
        self._finish(
            request_id, now, state="failed", failure_status=status, failure_message=message
        )

    def _finish(self, request_id: str, now: datetime, **values: object) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                entries.update()
                .where(entries.c.request_id == request_id)
                .values(finished_at=now, **values)
            )

    def close(self) -> None:
        self.engine.dispose()
