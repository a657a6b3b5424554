"""Outlets, publication jobs and their attempts, the Zalo OA tokens.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outlets",
        sa.Column("outlet_id", sa.String(length=32), nullable=False),
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=2000), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("credentials", sa.Text(), nullable=False),
        sa.Column("credential_names", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("publish_from", UTCDateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("outlet_id", name="pk_outlets"),
    )
    op.create_index("ix_outlets_contest_id", "outlets", ["contest_id"])

    op.create_table(
        "zalo_tokens",
        sa.Column("account", sa.String(length=32), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("access_expires_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account", name="pk_zalo_tokens"),
    )

    op.create_table(
        "publication_jobs",
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("outlet_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("remote_id", sa.String(length=200), nullable=True),
        sa.Column("remote_url", sa.Text(), nullable=True),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("retract_reason", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("retracted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["outlet_id"],
            ["outlets.outlet_id"],
            name="fk_publication_jobs_outlet_id_outlets",
        ),
        sa.PrimaryKeyConstraint("job_id", name="pk_publication_jobs"),
        sa.UniqueConstraint("entry_id", "outlet_id", name="uq_publication_jobs_entry_id"),
    )
    op.create_index("ix_publication_jobs_contest_id", "publication_jobs", ["contest_id"])
    op.create_index("ix_publication_jobs_entry_id", "publication_jobs", ["entry_id"])
    op.create_index("ix_publication_jobs_due", "publication_jobs", ["status", "next_attempt_at"])

    op.create_table(
        "publication_attempts",
        sa.Column(
            "attempt_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["publication_jobs.job_id"],
            name="fk_publication_attempts_job_id_publication_jobs",
        ),
        sa.PrimaryKeyConstraint("attempt_id", name="pk_publication_attempts"),
    )
    op.create_index("ix_publication_attempts_job_id", "publication_attempts", ["job_id"])


def downgrade() -> None:
    op.drop_index("ix_publication_attempts_job_id", table_name="publication_attempts")
    op.drop_table("publication_attempts")
    op.drop_index("ix_publication_jobs_due", table_name="publication_jobs")
    op.drop_index("ix_publication_jobs_entry_id", table_name="publication_jobs")
    op.drop_index("ix_publication_jobs_contest_id", table_name="publication_jobs")
    op.drop_table("publication_jobs")
    op.drop_table("zalo_tokens")
    op.drop_index("ix_outlets_contest_id", table_name="outlets")
    op.drop_table("outlets")
