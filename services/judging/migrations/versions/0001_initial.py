"""Initial schema: the projection of contests and entries, the outbox and the inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime
from shared.messaging.tables import create_messaging_tables_v1, drop_messaging_tables_v1

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_messaging_tables_v1(op)
    op.create_table(
        "contests",
        sa.Column("contest_id", sa.String(64), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("contest_id", name="pk_contests"),
    )
    op.create_table(
        "entries",
        sa.Column("entry_id", sa.String(64), nullable=False),
        sa.Column("contest_id", sa.String(64), nullable=False),
        sa.Column("category_id", sa.String(64), nullable=False),
        sa.Column("category_code", sa.String(16), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name="pk_entries"),
        sa.UniqueConstraint("code", name="uq_entries_code"),
    )
    op.create_index("ix_entries_contest_id", "entries", ["contest_id"])


def downgrade() -> None:
    op.drop_index("ix_entries_contest_id", table_name="entries")
    op.drop_table("entries")
    op.drop_table("contests")
    drop_messaging_tables_v1(op)
