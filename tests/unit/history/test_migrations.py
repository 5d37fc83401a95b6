"""The Alembic migrations and the SQLAlchemy models describe the same schema, on both databases."""

from __future__ import annotations

import warnings

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from services.history.database import Base
from services.history.migrate import SKELETON_REVISION, alembic_config, migrate


def differences(engine: Engine) -> list[object]:
    with engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect the PostgreSQL-only expression indexes; alembic says so.
        warnings.simplefilter("ignore", UserWarning)
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def head(engine: Engine) -> str | None:
    """The newest migration (one head: a second would be a merge left undone)."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_migrated_database_matches_the_models(engine: Engine) -> None:
    assert differences(engine) == []
    assert revision(engine) == head(engine)


def test_migrating_twice_changes_nothing(engine: Engine) -> None:
    migrate(engine)

    assert revision(engine) == head(engine)
    assert differences(engine) == []


def test_postgres_has_the_full_text_indexes(engine: Engine) -> None:
    names = {index["name"] for index in inspect(engine).get_indexes("mentions")}
    expected = {"ix_mentions_created_at_id", "ix_mentions_status_sla"}
    if engine.dialect.name == "postgresql":
        expected |= {"ix_mentions_fts_dutch", "ix_mentions_fts_english"}
    assert expected <= names


def test_downgrade_to_nothing_and_back(engine: Engine) -> None:
    config = alembic_config(engine)
    command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}

    migrate(engine)

    assert differences(engine) == []


def test_a_skeleton_database_is_stamped_then_upgraded(engine: Engine) -> None:
    """A database made by the skeleton's create_all (no alembic_version) keeps its rows."""
    config = alembic_config(engine)
    command.downgrade(config, SKELETON_REVISION)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE alembic_version")
        connection.exec_driver_sql(
            "INSERT INTO mention_routes (mention_id, department, matched_topics, rule, decision_id)"
            " VALUES ('x:1', 'service', '[]', 'triage', 'd-1')"
        )

    migrate(engine)

    assert revision(engine) == head(engine)
    assert differences(engine) == []
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM mention_routes").scalar() == 1
