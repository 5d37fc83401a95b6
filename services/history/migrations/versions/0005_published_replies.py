"""Replies posted by publish: the account, the post's id and URL, or why it failed.

Revision ID: 0005_published_replies
Revises: 0004_inbox_people
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_published_replies"
down_revision: str | None = "0004_inbox_people"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("account", sa.String()),
    ("request_id", sa.String()),
    ("post_id", sa.String()),
    ("post_url", sa.Text()),
    ("failure_status", sa.Integer()),
    ("failure_message", sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table("conversation_events") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation_events") as batch:
        for name, _ in COLUMNS:
            batch.drop_column(name)
