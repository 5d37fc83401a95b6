"""The walking skeleton's schema: mentions, routes, delivery receipts, conversation events.

Databases made by the skeleton's `create_all` have exactly these tables and
are stamped with this revision on first start (see `migrate.py`).

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "mentions",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("relationship_id", sa.String(), nullable=False),
        sa.Column("thread_id", sa.String(), nullable=False),
        sa.Column("author", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("in_reply_to", sa.String(), nullable=True),
        sa.Column("ingested_at", UTC_TIME, nullable=False),
        sa.Column("topics", sa.JSON(), nullable=True),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("sentiment", sa.String(), nullable=True),
        sa.Column("model_version", sa.String(), nullable=True),
        sa.Column("classified_at", UTC_TIME, nullable=True),
        sa.Column("priority", sa.String(), nullable=True),
        sa.Column("sla_deadline", UTC_TIME, nullable=True),
        sa.Column("decision_id", sa.String(), nullable=True),
        sa.Column("decided_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mentions_relationship_id", "mentions", ["relationship_id"])
    op.create_index("ix_mentions_thread_id", "mentions", ["thread_id"])
    op.create_table(
        "mention_routes",
        sa.Column("mention_id", sa.String(), nullable=False),
        sa.Column("department", sa.String(), nullable=False),
        sa.Column("matched_topics", sa.JSON(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("decision_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("mention_id", "department"),
    )
    op.create_table(
        "delivery_receipts",
        sa.Column("receipt_id", sa.String(), nullable=False),
        sa.Column("delivery_id", sa.String(), nullable=False),
        sa.Column("mention_id", sa.String(), nullable=False),
        sa.Column("relationship_id", sa.String(), nullable=False),
        sa.Column("department", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("receipt_id"),
    )
    op.create_index("ix_delivery_receipts_mention_id", "delivery_receipts", ["mention_id"])
    op.create_table(
        "conversation_events",
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("relationship_id", sa.String(), nullable=False),
        sa.Column("mention_id", sa.String(), nullable=True),
        sa.Column("department", sa.String(), nullable=True),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=True),
        sa.Column("linked_relationship_id", sa.String(), nullable=True),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index(
        "ix_conversation_events_relationship_id", "conversation_events", ["relationship_id"]
    )
    op.create_index("ix_conversation_events_mention_id", "conversation_events", ["mention_id"])


def downgrade() -> None:
    op.drop_table("conversation_events")
    op.drop_table("delivery_receipts")
    op.drop_table("mention_routes")
    op.drop_table("mentions")
