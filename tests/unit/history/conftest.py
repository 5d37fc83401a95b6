"""Databases for the history tests: a SQLite file and a PostgreSQL database, both migrated."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine

from services.history.database import Base, make_engine
from services.history.migrate import migrate
from tests.support.databases import throwaway_database


@pytest.fixture(scope="module")
def postgres_database(postgres_url: str) -> Iterator[str]:
    """A database of this module's own in the session's PostgreSQL, dropped at the end."""
    with throwaway_database(postgres_url, "history") as url:
        yield url


@contextmanager
def migrated(url: str) -> Iterator[Engine]:
    """An engine on `url` with the schema migrated, emptied again afterwards (the module's
    PostgreSQL database outlives the test)."""
    engine = make_engine(url)
    migrate(engine)
    yield engine
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'history.db'}"
    else:
        url = request.getfixturevalue("postgres_database")
    with migrated(url) as engine:
        yield engine


@pytest.fixture
def postgres_engine(postgres_database: str) -> Iterator[Engine]:
    """PostgreSQL only: for what SQLite cannot show (writers racing each other)."""
    with migrated(postgres_database) as engine:
        yield engine


ADMIN_KEY = "test-admin-key"


class NoKafka:
    """Publisher of read-only tests: an action fails here as it does when Kafka is away."""

    def publish(self, event: object) -> None:
        from services.history.publisher import PublishFailed

        raise PublishFailed("no Kafka in this test")


def read_context(engine: Engine, **overrides: object) -> object:
    from services.history.api_deps import ApiContext
    from services.history.database import session_factories

    readers, writers = session_factories(engine)
    fields: dict[str, object] = {
        "readers": readers,
        "writers": writers,
        "publisher": NoKafka(),
        "admin_key": ADMIN_KEY,
        "departments": ["fondsenwerving", "service", "communicatie"],
        "topics": ["fundraising", "complaints", "press", "volunteers"],
    }
    fields.update(overrides)
    return ApiContext(**fields)  # type: ignore[arg-type]


def admin_client(engine: Engine, **overrides: object) -> object:
    from fastapi.testclient import TestClient

    from services.history.api import create_api

    return TestClient(
        create_api(read_context(engine, **overrides)),  # type: ignore[arg-type]
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
    )
