"""project_batch: many messages in one transaction; a message that fails fails alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from schemas import Author, Mention
from services.history import projection
from services.history.database import MentionRow, create_schema, make_engine, session_factories
from services.history.projection import project_batch

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


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

    def choking(session: Session, message: Mention) -> object:
        if message.id == "x:2":
            raise ValueError("a bug that only this message triggers")
        return real(session, message)

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
