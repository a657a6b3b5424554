"""a text's reading copy beside its stored object

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entry_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_key", sa.String(length=304), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entry_files", schema=None) as batch_op:
        batch_op.drop_column("text_key")
