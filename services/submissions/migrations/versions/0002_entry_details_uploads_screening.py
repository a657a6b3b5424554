"""contest history, account links, entry details, multipart uploads, screening

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("window_started_at", UTCDateTime(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttle")),
    )
    op.create_table(
        "account_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.account_id"],
            name=op.f("fk_account_tokens_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_account_tokens")),
    )
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_tokens_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "contest_changes",
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"],
            ["contests.contest_id"],
            name=op.f("fk_contest_changes_contest_id_contests"),
        ),
        sa.PrimaryKeyConstraint("contest_id", "version", name=op.f("pk_contest_changes")),
    )
    op.create_table(
        "entry_authors",
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("pen_name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.entry_id"], name=op.f("fk_entry_authors_entry_id_entries")
        ),
        sa.PrimaryKeyConstraint("entry_id", "position", name=op.f("pk_entry_authors")),
    )
    with op.batch_alter_table("entry_authors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entry_authors_email"), ["email"], unique=False)

    op.create_table(
        "entry_versions",
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.entry_id"], name=op.f("fk_entry_versions_entry_id_entries")
        ),
        sa.PrimaryKeyConstraint("entry_id", "version", name=op.f("pk_entry_versions")),
    )
    op.create_table(
        "screening_records",
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("entry_version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_by_name", sa.String(length=200), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.entry_id"], name=op.f("fk_screening_records_entry_id_entries")
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_screening_records")),
    )
    with op.batch_alter_table("screening_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_records_entry_id"), ["entry_id"], unique=False
        )

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="active")
        )
        batch_op.add_column(sa.Column("email_verified_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("invited_by", sa.String(length=64), nullable=True))

    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rules_html", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("rules_pdf_key", sa.String(length=300), nullable=True))

    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("district", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("synopsis", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("series_parts", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(sa.Column("exemplars", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("publication", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "consent_republication", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("cannot_anonymise", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("withdrawn_at", UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_entries_status"), ["status"], unique=False)

    with op.batch_alter_table("entry_files", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=16), nullable=False, server_default="work")
        )
        batch_op.add_column(sa.Column("series_part", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("upload_id", sa.String(length=300), nullable=True))
        batch_op.add_column(
            sa.Column("part_size", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("part_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("stored_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("stored_size", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("facts", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("identifying", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("completed_at", UTCDateTime(), nullable=True))
        batch_op.alter_column("declared_sha256", existing_type=sa.VARCHAR(length=64), nullable=True)
        batch_op.create_index(batch_op.f("ix_entry_files_sha256"), ["sha256"], unique=False)

    # Rows from before: accounts were created by staff (already trusted), single-PUT files
    # carried their digest, and "awaiting_upload" is now "uploading".
    op.execute("UPDATE accounts SET email_verified_at = created_at WHERE email_verified_at IS NULL")
    op.execute(
        "UPDATE entry_files SET sha256 = declared_sha256, stored_sha256 = declared_sha256, "
        "stored_size = declared_size "
        "WHERE status = 'verified'"
    )
    op.execute("UPDATE entry_files SET status = 'uploading' WHERE status = 'awaiting_upload'")


def downgrade() -> None:
    with op.batch_alter_table("entry_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_files_sha256"))
        batch_op.alter_column(
            "declared_sha256", existing_type=sa.VARCHAR(length=64), nullable=False
        )
        batch_op.drop_column("completed_at")
        batch_op.drop_column("identifying")
        batch_op.drop_column("facts")
        batch_op.drop_column("stored_size")
        batch_op.drop_column("stored_sha256")
        batch_op.drop_column("sha256")
        batch_op.drop_column("part_count")
        batch_op.drop_column("part_size")
        batch_op.drop_column("upload_id")
        batch_op.drop_column("series_part")
        batch_op.drop_column("role")

    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entries_status"))
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("cannot_anonymise")
        batch_op.drop_column("consent_republication")
        batch_op.drop_column("publication")
        batch_op.drop_column("exemplars")
        batch_op.drop_column("series_parts")
        batch_op.drop_column("synopsis")
        batch_op.drop_column("district")

    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.drop_column("rules_pdf_key")
        batch_op.drop_column("rules_html")

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("invited_by")
        batch_op.drop_column("email_verified_at")
        batch_op.drop_column("status")
        batch_op.drop_column("phone")

    with op.batch_alter_table("screening_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_records_entry_id"))

    op.drop_table("screening_records")
    op.drop_table("entry_versions")
    with op.batch_alter_table("entry_authors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_authors_email"))

    op.drop_table("entry_authors")
    op.drop_table("contest_changes")
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_tokens_account_id"))

    op.drop_table("account_tokens")
    op.drop_table("sign_in_throttle")
