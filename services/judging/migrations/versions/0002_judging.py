"""Judging proper: councils and members, rounds, assignments, scores, ballots, results
snapshots, the hash-chained audit log and reminders; the projection keeps accepted entries
(blind) with their credits sealed apart. Entries projected from EntrySubmitted are dropped:
judging now takes only accepted entries, from EntryScreened.

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
        "audit_head",
        sa.Column("chain", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_round_id"), ["round_id"], unique=False)

    op.bulk_insert(
        sa.table(
            "audit_head",
            sa.column("chain", sa.String),
            sa.column("seq", sa.BigInteger),
            sa.column("hash", sa.String),
        ),
        [{"chain": "main", "seq": 0, "hash": "0" * 64}],
    )
    op.create_table(
        "ballot_receipts",
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("ballot_no", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("cast_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "round_id", "ballot_no", "member_id", name=op.f("pk_ballot_receipts")
        ),
    )
    op.create_table(
        "ballot_votes",
        sa.Column("vote_id", sa.String(length=64), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("ballot_no", sa.Integer(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("vote_id", name=op.f("pk_ballot_votes")),
    )
    with op.batch_alter_table("ballot_votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballot_votes_round_id"), ["round_id"], unique=False)

    op.create_table(
        "conflict_declarations",
        sa.Column("declaration_id", sa.String(length=64), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("declared_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("declaration_id", name=op.f("pk_conflict_declarations")),
    )
    with op.batch_alter_table("conflict_declarations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_declarations_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "councils",
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("council_id", name=op.f("pk_councils")),
    )
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_councils_contest_id"), ["contest_id"], unique=False)

    op.create_table(
        "entry_credits",
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("district", sa.Text(), server_default="", nullable=False),
        sa.Column("publication", sa.JSON(), nullable=True),
        sa.Column("consent_republication", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_entry_credits")),
    )
    op.create_table(
        "reminders",
        sa.Column("reminder_id", sa.String(length=64), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("reminder_id", name=op.f("pk_reminders")),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index("ix_reminders_due", ["status", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminders_round_id"), ["round_id"], unique=False)

    op.create_table(
        "results_snapshots",
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("approved_by", sa.Text(), nullable=False),
        sa.Column("approved_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_results_snapshots")),
    )
    with op.batch_alter_table("results_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_results_snapshots_contest_id"), ["contest_id"], unique=False
        )

    op.create_table(
        "council_members",
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), server_default="", nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("category_id", sa.String(length=64), nullable=True),
        sa.Column("relationships", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("language", sa.String(length=8), server_default="vi", nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["councils.council_id"],
            name=op.f("fk_council_members_council_id_councils"),
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_council_members")),
        sa.UniqueConstraint("council_id", "email", name=op.f("uq_council_members_council_id")),
    )
    with op.batch_alter_table("council_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_council_members_council_id"), ["council_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_council_members_email"), ["email"], unique=False)

    op.create_table(
        "rounds",
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.Column("previous_round_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("jurors_per_entry", sa.Integer(), nullable=False),
        sa.Column("deadline", UTCDateTime(timezone=True), nullable=False),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("advance_top_n", sa.Integer(), nullable=True),
        sa.Column("advance_threshold", sa.Double(), nullable=True),
        sa.Column("award_mode", sa.String(length=24), nullable=True),
        sa.Column("ballot_enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("ballot_quorum", sa.Integer(), nullable=True),
        sa.Column("ballot_majority", sa.Double(), server_default="0.5", nullable=False),
        sa.Column("reminder_hours", sa.JSON(), server_default="[72, 24]", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("released_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.council_id"], name=op.f("fk_rounds_council_id_councils")
        ),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_rounds")),
    )
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rounds_contest_id"), ["contest_id"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("assignment_id", sa.String(length=64), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["council_members.member_id"],
            name=op.f("fk_assignments_member_id_council_members"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.round_id"], name=op.f("fk_assignments_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("ix_assignments_round_entry", ["round_id", "entry_id"], unique=False)
        batch_op.create_index(
            "ix_assignments_round_member", ["round_id", "member_id"], unique=False
        )

    op.create_table(
        "ballot_runs",
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("ballot_no", sa.Integer(), nullable=False),
        sa.Column("entry_ids", sa.JSON(), nullable=False),
        sa.Column("opened_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.round_id"], name=op.f("fk_ballot_runs_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("round_id", "ballot_no", name=op.f("pk_ballot_runs")),
    )
    op.create_table(
        "round_entries",
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.round_id"], name=op.f("fk_round_entries_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("round_id", "entry_id", name=op.f("pk_round_entries")),
    )
    op.create_table(
        "scores",
        sa.Column("assignment_id", sa.String(length=64), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("points", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("total", sa.Double(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.assignment_id"],
            name=op.f("fk_scores_assignment_id_assignments"),
        ),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_scores")),
    )
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scores_round_id"), ["round_id"], unique=False)

    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organizer", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column(
                "timezone", sa.String(length=64), server_default="Asia/Ho_Chi_Minh", nullable=False
            )
        )
        batch_op.add_column(sa.Column("phases", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(
            sa.Column("prize_budget_vnd", sa.BigInteger(), server_default="0", nullable=False)
        )

    op.execute("DELETE FROM entries")  # submitted, not accepted: re-sent by EntryScreened
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("category_name", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("synopsis", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("series_parts", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("exemplars", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(
            sa.Column("cannot_anonymise", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("status", sa.String(length=24), server_default="accepted", nullable=False)
        )
        batch_op.add_column(sa.Column("screened_at", UTCDateTime(timezone=True), nullable=False))
        batch_op.drop_column("submitted_at")


def downgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_at", UTCDateTime(timezone=True), nullable=False))
        batch_op.drop_column("screened_at")
        batch_op.drop_column("status")
        batch_op.drop_column("cannot_anonymise")
        batch_op.drop_column("exemplars")
        batch_op.drop_column("series_parts")
        batch_op.drop_column("synopsis")
        batch_op.drop_column("category_name")

    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.drop_column("prize_budget_vnd")
        batch_op.drop_column("phases")
        batch_op.drop_column("timezone")
        batch_op.drop_column("organizer")

    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scores_round_id"))

    op.drop_table("scores")
    op.drop_table("round_entries")
    op.drop_table("ballot_runs")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_round_member")
        batch_op.drop_index("ix_assignments_round_entry")

    op.drop_table("assignments")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rounds_contest_id"))

    op.drop_table("rounds")
    with op.batch_alter_table("council_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_members_email"))
        batch_op.drop_index(batch_op.f("ix_council_members_council_id"))

    op.drop_table("council_members")
    with op.batch_alter_table("results_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_results_snapshots_contest_id"))

    op.drop_table("results_snapshots")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminders_round_id"))
        batch_op.drop_index("ix_reminders_due")

    op.drop_table("reminders")
    op.drop_table("entry_credits")
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_councils_contest_id"))

    op.drop_table("councils")
    with op.batch_alter_table("conflict_declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_declarations_round_id"))

    op.drop_table("conflict_declarations")
    with op.batch_alter_table("ballot_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_votes_round_id"))

    op.drop_table("ballot_votes")
    op.drop_table("ballot_receipts")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_round_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
    op.drop_table("audit_head")
