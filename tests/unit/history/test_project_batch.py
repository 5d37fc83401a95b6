"""project_batch: many messages in one transaction; a message that fails fails alone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from schemas import Author, Mention
from services.history import projection
from services.history.database import (
    Base,
    ErasureRow,
    MentionRow,
    create_schema,
    make_engine,
    session_factories,
)
from services.history.projection import Message, project, project_batch
from tests.unit.history.test_projection import T0, classified, receipt, routed
from tests.unit.history.test_projection import mention as pmention

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


def mention(n: int) -> Mention:
    return Mention(
        id=f"x:{n}",
        source="x",
        external_id=str(n),
        relationship_id=f"rel-{n % 2}",
        thread_id=f"x:{n}",
        author=Author(id=str(n), handle=f"user{n}"),
        text=f"bericht {n}",
        created_at=NOW,
        ingested_at=NOW,
    )


@pytest.fixture
def writers(tmp_path: Path) -> tuple[Callable[[], Session], list[int]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'history.db'}")
    create_schema(engine)
    factory = session_factories(engine)[1]
    opened: list[int] = []

    def counting() -> Session:
        opened.append(1)
        return factory()

    return counting, opened


def stored_ids(factory: Callable[[], Session]) -> set[str]:
    with factory() as session:
        return {row.id for row in session.query(MentionRow)}


def test_a_batch_is_one_transaction(writers) -> None:
    factory, opened = writers
    batch = [mention(n) for n in range(5)]

    assert project_batch(factory, batch) == [None] * 5

    assert len(opened) == 1
    assert stored_ids(factory) == {m.id for m in batch}


def test_a_replayed_batch_changes_nothing(writers) -> None:
    factory, _ = writers
    batch = [mention(n) for n in range(3)]
    project_batch(factory, batch)

    assert project_batch(factory, [*batch, batch[0]]) == [None] * 4

    assert stored_ids(factory) == {m.id for m in batch}


def test_a_message_that_fails_is_reported_and_the_others_are_stored(
    writers, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory, _ = writers
    real = projection.apply_mention

    def choking(session: Session, message: Mention, **options: Any) -> object:
        if message.id == "x:2":
            raise ValueError("a bug that only this message triggers")
        return real(session, message, **options)

    monkeypatch.setitem(projection.APPLY, Mention, ("mention", choking))
    batch = [mention(n) for n in range(5)]

    outcomes = project_batch(factory, batch)

    assert [type(o).__name__ if o else None for o in outcomes] == [
        None,
        None,
        "ValueError",
        None,
        None,
    ]
    assert stored_ids(factory) == {"x:0", "x:1", "x:3", "x:4"}


def conversation(n: int) -> list[Message]:
    """A mention as history gets it: raw, classified and routed, ids of their own."""
    raw = pmention(str(n), relationship_id=f"rel-{n % 3}")
    return [raw, classified(raw), routed(classified(raw))]


def table_rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as connection:
        return {
            table.name: sorted(tuple(map(repr, row)) for row in connection.execute(table.select()))
            for table in Base.metadata.sorted_tables
            if table.name in ("mentions", "mention_routes", "delivery_receipts")
        }


def test_a_batch_stores_exactly_what_one_by_one_stores(tmp_path: Path) -> None:
    """Prefetched lookups must not change the outcome: new and stored mentions, repeats within
    the batch, an older classification after a newer one, receipts."""
    messages: list[Message] = []
    for n in range(12):
        messages += conversation(n)
    messages += [conversation(3)[1], receipt("mastodon:4"), receipt("mastodon:4"), receipt("x:9")]
    messages.append(classified(conversation(5)[0], at=T0))  # older than the one stored
    engines = {}
    for name in ("batch", "one_by_one"):
        engine = make_engine(f"sqlite:///{tmp_path / name}.db")
        create_schema(engine)
        engines[name] = engine
        writers = session_factories(engine)[1]
        project_batch(writers, [conversation(0)[0], conversation(1)[2]])  # already stored
    batch_writers = session_factories(engines["batch"])[1]
    assert project_batch(batch_writers, messages) == [None] * len(messages)
    for message in messages:
        project(session_factories(engines["one_by_one"])[1], message)

    batch, one_by_one = table_rows(engines["batch"]), table_rows(engines["one_by_one"])
    assert batch == one_by_one
    assert len(batch["mentions"]) == 12
    assert len(batch["mention_routes"]) == 24


@pytest.mark.parametrize("stored_before", [False, True], ids=["new", "stored"])
def test_a_batch_looks_rows_up_per_table_not_per_message(
    tmp_path: Path, stored_before: bool
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'history.db'}")
    create_schema(engine)
    writers = session_factories(engine)[1]
    if stored_before:  # the raw mentions came first: the decisions find and update them
        project_batch(writers, [conversation(n)[0] for n in range(60)])
    selects: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def count(_conn, _cursor, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    decisions = [conversation(n)[2] for n in range(60)]
    assert project_batch(writers, decisions) == [None] * 60

    # erasures, mentions, their routes, their state events, the erasure check: per table
    assert len(selects) <= 6, selects


def race_after_prefetch(
    monkeypatch: pytest.MonkeyPatch, other_writer: Callable[[], object]
) -> None:
    """`other_writer` commits once, between the batch's first prefetch and its commit."""
    real = projection.prefetch
    raced: list[int] = []

    def racing(session: Session, messages: Sequence[Message]) -> None:
        real(session, messages)
        if not raced:
            raced.append(1)
            other_writer()

    monkeypatch.setattr(projection, "prefetch", racing)


@pytest.mark.postgres
def test_a_mention_another_writer_stores_meanwhile_costs_a_retry_not_one_by_one(
    postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The raw and the classified topic are written side by side: on PostgreSQL one may insert
    a mention after the other's prefetch found it missing (SQLite writers take the lock
    first). The batch is then tried again as a whole."""
    writers = session_factories(postgres_engine)[1]
    opened: list[int] = []

    def factory() -> Session:
        opened.append(1)
        return writers()

    race_after_prefetch(monkeypatch, lambda: project(factory, mention(0)))
    batch = [mention(n) for n in range(5)]
    assert project_batch(factory, batch) == [None] * 5

    assert stored_ids(factory) == {m.id for m in batch}
    assert len(opened) == 4  # the batch twice, the other writer, the check: not one each


@pytest.mark.postgres
def test_an_erasure_committed_meanwhile_keeps_the_batch_from_storing_that_relationship(
    postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    writers = session_factories(postgres_engine)[1]

    def erase() -> None:
        with writers() as other, other.begin():
            other.add(ErasureRow(relationship_id="rel-0", event_id="e-1", erased_at=LATER))

    race_after_prefetch(monkeypatch, erase)
    assert project_batch(writers, [mention(n) for n in range(4)]) == [None] * 4

    assert stored_ids(writers) == {"x:1", "x:3"}  # rel-1 only
