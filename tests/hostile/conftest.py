"""One pipeline for the whole hostile-input suite, on the session broker and its own PostgreSQL
database: PostgreSQL is the stricter store (it refuses NUL bytes in text), so what passes
here passes on SQLite too."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.pipeline import Pipeline, running_pipeline


def _own_database(postgres_url: str) -> str:
    """A fresh database next to the session's, so counts and searches see only this suite."""
    url = make_url(postgres_url)
    name = f"hostile_{uuid.uuid4().hex[:8]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    finally:
        engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="package")
def hostile(
    kafka_bootstrap: str, postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pipeline]:
    workdir = tmp_path_factory.mktemp("hostile")
    database_url = _own_database(postgres_url)
    with running_pipeline(
        kafka_bootstrap, f"hostile{uuid.uuid4().hex[:8]}", workdir, database_url
    ) as pipeline:
        yield pipeline
        dead = pipeline.dead()
    # every service survived everything the suite threw at it
    assert not dead, dead
