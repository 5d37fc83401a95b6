"""Alembic environment: migrates the engine `services.history.migrate` hands over.

Online only: webcare always migrates a live database at start.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from services.history.database import Base

config = context.config
engine: Engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
