"""The exemplar press room: exemplars and their imports.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exemplars",
        sa.Column("exemplar_id", sa.String(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("collective", sa.Boolean(), nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("cluster", sa.String(length=200), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("achievements", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=640), nullable=False),
        sa.Column("search_exact", sa.Text(), nullable=False),
        sa.Column("search_folded", sa.Text(), nullable=False),
        sa.Column("import_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("exemplar_id", name="pk_exemplars"),
        sa.UniqueConstraint("dedupe_key", name="uq_exemplars_dedupe_key"),
        sa.UniqueConstraint("number", name="uq_exemplars_number"),
    )
    op.create_index("ix_exemplars_updated_at", "exemplars", ["updated_at"], unique=False)

    op.create_table(
        "exemplar_imports",
        sa.Column("import_id", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("encoding", sa.String(length=32), nullable=False),
        sa.Column("delimiter", sa.String(length=4), nullable=False),
        sa.Column("header_line", sa.Integer(), nullable=False),
        sa.Column("ignored_columns", sa.JSON(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_ok", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=200), nullable=True),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.Column("saved_ids", sa.JSON(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("import_id", name="pk_exemplar_imports"),
    )
    op.create_index(
        "ix_exemplar_imports_created_at", "exemplar_imports", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_exemplar_imports_created_at", table_name="exemplar_imports")
    op.drop_table("exemplar_imports")
    op.drop_index("ix_exemplars_updated_at", table_name="exemplars")
    op.drop_table("exemplars")
