"""The inbox: people who sign in, their browser sessions, and departments' saved replies.

Revision ID: 0004_inbox_people
Revises: 0003_classify_explanations
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_inbox_people"
down_revision: str | None = "0003_classify_explanations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("username", sa.String(), primary_key=True),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("departments", sa.JSON(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=True),
        sa.Column("language", sa.String(), server_default="nl", nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("disabled_at", UTC_TIME, nullable=True),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_sha256", sa.String(), primary_key=True),
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("csrf_token", sa.String(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_web_sessions_username", "web_sessions", ["username"])
    op.create_table(
        "saved_replies",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("department", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_saved_replies_department", "saved_replies", ["department"])


def downgrade() -> None:
    op.drop_table("saved_replies")
    op.drop_index("ix_web_sessions_username", "web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("people")
