"""Working state, access and privacy: claim/resolve state and tags on mentions, search
indexes, relationship links, erasure tombstones, API keys and the audit trail.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
FTS_CONFIGURATIONS = ("dutch", "english")


def upgrade() -> None:
    with op.batch_alter_table("mentions") as batch:
        batch.add_column(sa.Column("status", sa.String(), server_default="open", nullable=False))
        batch.add_column(sa.Column("claimed_by", sa.String(), nullable=True))
        batch.add_column(sa.Column("claimed_department", sa.String(), nullable=True))
        batch.add_column(sa.Column("claimed_at", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("resolved_at", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("tags", sa.JSON(), nullable=True))
    op.create_index("ix_mentions_created_at_id", "mentions", ["created_at", "id"])
    op.create_index(
        "ix_mentions_relationship_created", "mentions", ["relationship_id", "created_at"]
    )
    op.create_index("ix_mentions_status_sla", "mentions", ["status", "sla_deadline"])
    if op.get_bind().dialect.name == "postgresql":
        for config in FTS_CONFIGURATIONS:
            op.execute(
                f"CREATE INDEX ix_mentions_fts_{config} ON mentions "
                f"USING gin (to_tsvector('{config}', text))"
            )
    op.create_index(
        "ix_delivery_receipts_relationship_id", "delivery_receipts", ["relationship_id"]
    )
    op.create_table(
        "relationship_links",
        sa.Column("relationship_id", sa.String(), nullable=False),
        sa.Column("linked_relationship_id", sa.String(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("relationship_id", "linked_relationship_id"),
    )
    op.create_table(
        "erasures",
        sa.Column("relationship_id", sa.String(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("erased_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("relationship_id"),
    )
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(), nullable=False),
        sa.Column("secret_sha256", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("department", sa.String(), nullable=True),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("revoked_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("key_id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("key_id", sa.String(), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("api_keys")
    op.drop_table("erasures")
    op.drop_table("relationship_links")
    op.drop_index("ix_delivery_receipts_relationship_id", "delivery_receipts")
    if op.get_bind().dialect.name == "postgresql":
        for config in FTS_CONFIGURATIONS:
            op.execute(f"DROP INDEX ix_mentions_fts_{config}")
    op.drop_index("ix_mentions_status_sla", "mentions")
    op.drop_index("ix_mentions_relationship_created", "mentions")
    op.drop_index("ix_mentions_created_at_id", "mentions")
    with op.batch_alter_table("mentions") as batch:
        for column in (
            "tags",
            "resolved_at",
            "claimed_at",
            "claimed_department",
            "claimed_by",
            "status",
        ):
            batch.drop_column(column)
