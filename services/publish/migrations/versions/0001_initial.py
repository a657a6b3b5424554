"""Initial schema: public contests, arrived entries, outbox and inbox.

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
        "arrived_entries",
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("category_code", sa.String(length=16), nullable=False),
        sa.Column("first_submitted_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("contest_id", "entry_id", name="pk_arrived_entries"),
    )

    op.create_table(
        "public_contests",
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("theme", sa.Text(), nullable=False),
        sa.Column("organizer", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("phases", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("contest_id", name="pk_public_contests"),
        sa.UniqueConstraint("code", name="uq_public_contests_code"),
    )


def downgrade() -> None:
    op.drop_table("public_contests")

    op.drop_table("arrived_entries")
    drop_messaging_tables_v1(op)
