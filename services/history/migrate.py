"""Runs the history database's Alembic migrations from code, at service start and in tools.

No `alembic.ini`: the script location is this package's `migrations` folder
and the connection is handed to Alembic's env, so the same code migrates the
SQLite file, a PostgreSQL database and the test databases.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


SKELETON_REVISION = "0001"


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrades the database to `revision`; a database already there is left as it is.

    A database the walking skeleton made with `create_all` (tables, but no
    `alembic_version`) is first stamped as the skeleton revision it matches.
    """
    config = alembic_config(engine)
    tables = set(inspect(engine).get_table_names())
    if "mentions" in tables and "alembic_version" not in tables:
        command.stamp(config, SKELETON_REVISION)
    command.upgrade(config, revision)
