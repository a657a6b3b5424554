"""Initial schema: accounts, contests, categories, entries, files, outbox and inbox.

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
        "accounts",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name="pk_accounts"),
        sa.UniqueConstraint("email", name="uq_accounts_email"),
    )
    op.create_table(
        "contests",
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("theme", sa.Text(), nullable=False),
        sa.Column("organizer", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("phases", sa.JSON(), nullable=False),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("prize_budget_vnd", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("contest_id", name="pk_contests"),
        sa.UniqueConstraint("code", name="uq_contests_code"),
    )

    op.create_table(
        "categories",
        sa.Column("category_id", sa.String(length=64), nullable=False),
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("award_tiers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contests.contest_id"], name="fk_categories_contest_id_contests"
        ),
        sa.PrimaryKeyConstraint("category_id", name="pk_categories"),
        sa.UniqueConstraint("contest_id", "code", name="uq_categories_contest_id"),
    )
    op.create_index("ix_categories_contest_id", "categories", ["contest_id"])

    op.create_table(
        "entries",
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("category_id", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.category_id"], name="fk_entries_category_id_categories"
        ),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contests.contest_id"], name="fk_entries_contest_id_contests"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["accounts.account_id"], name="fk_entries_owner_id_accounts"
        ),
        sa.PrimaryKeyConstraint("entry_id", name="pk_entries"),
        sa.UniqueConstraint("code", name="uq_entries_code"),
    )
    op.create_index("ix_entries_contest_id", "entries", ["contest_id"])
    op.create_index("ix_entries_owner_id", "entries", ["owner_id"])

    op.create_table(
        "entry_sequences",
        sa.Column("category_id", sa.String(length=64), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.category_id"],
            name="fk_entry_sequences_category_id_categories",
        ),
        sa.PrimaryKeyConstraint("category_id", name="pk_entry_sequences"),
    )
    op.create_table(
        "entry_files",
        sa.Column("file_id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("declared_size", sa.BigInteger(), nullable=False),
        sa.Column("declared_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("quarantine_key", sa.String(length=300), nullable=False),
        sa.Column("object_key", sa.String(length=300), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("media_type", sa.String(length=120), nullable=True),
        sa.Column("rejection", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("verified_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.entry_id"], name="fk_entry_files_entry_id_entries"
        ),
        sa.PrimaryKeyConstraint("file_id", name="pk_entry_files"),
    )
    op.create_index("ix_entry_files_entry_id", "entry_files", ["entry_id"])


def downgrade() -> None:
    op.drop_index("ix_entry_files_entry_id", table_name="entry_files")

    op.drop_table("entry_files")
    op.drop_table("entry_sequences")
    op.drop_index("ix_entries_owner_id", table_name="entries")
    op.drop_index("ix_entries_contest_id", table_name="entries")

    op.drop_table("entries")
    op.drop_index("ix_categories_contest_id", table_name="categories")

    op.drop_table("categories")

    op.drop_table("contests")
    op.drop_table("accounts")
    drop_messaging_tables_v1(op)
