"""Winners of approved results and the organizers' news; the contest page's rules and budget.

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
    with op.batch_alter_table("public_contests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rules_html", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("prize_budget_vnd", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("eligibility", sa.JSON(), nullable=True))

    op.create_table(
        "winners",
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("contest_code", sa.String(length=16), nullable=False),
        sa.Column("contest_title", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("category_code", sa.String(length=16), nullable=False),
        sa.Column("category_name", sa.Text(), nullable=False),
        sa.Column("tier_code", sa.String(length=16), nullable=False),
        sa.Column("tier_name", sa.Text(), nullable=False),
        sa.Column("tier_order", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("prize_vnd", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("synopsis", sa.Text(), nullable=False),
        sa.Column("exemplars", sa.JSON(), nullable=False),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("district", sa.String(length=128), nullable=False),
        sa.Column("publication", sa.JSON(), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column("prepared_at", UTCDateTime(), nullable=True),
        sa.Column("approved_at", UTCDateTime(), nullable=False),
        sa.Column("snapshot_hash", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("retracted_at", UTCDateTime(), nullable=True),
        sa.Column("retraction_reason", sa.Text(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name="pk_winners"),
    )
    with op.batch_alter_table("winners", schema=None) as batch_op:
        batch_op.create_index("ix_winners_contest_id", ["contest_id"], unique=False)
        batch_op.create_index("ix_winners_code", ["code"], unique=False)

    op.create_table(
        "news_items",
        sa.Column("news_id", sa.String(length=64), nullable=False),
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("slug", sa.String(length=160), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("news_id", name="pk_news_items"),
        sa.UniqueConstraint("contest_id", "slug", name="uq_news_items_contest_id"),
    )
    with op.batch_alter_table("news_items", schema=None) as batch_op:
        batch_op.create_index("ix_news_items_contest_id", ["contest_id"], unique=False)
        batch_op.create_index("ix_news_items_published_at", ["published_at"], unique=False)


def downgrade() -> None:
    op.drop_table("news_items")
    op.drop_table("winners")
    with op.batch_alter_table("public_contests", schema=None) as batch_op:
        batch_op.drop_column("eligibility")
        batch_op.drop_column("prize_budget_vnd")
        batch_op.drop_column("rules_html")
