"""Judging's tables.

The projection of contests and accepted entries is built from submissions' events. Who made an
entry is kept apart, in ``entry_credits``: conflict checks read it, juror pages and APIs never
do, and results reveal it only once approved. Secret ballots are split in two: who has voted
(``ballot_receipts``) and what was voted (``ballot_votes``, with no juror in it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, new_metadata
from shared.messaging.tables import inbox_table, outbox_table


class Base(DeclarativeBase):
    metadata = new_metadata()


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)


class ContestView(Base):
    __tablename__ = "contests"

    contest_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.Text)
    organizer: Mapped[str] = mapped_column(sa.Text, server_default="")
    version: Mapped[int]
    timezone: Mapped[str] = mapped_column(sa.String(64), server_default="Asia/Ho_Chi_Minh")
    # [{category_id, code, name, award_tiers: [{code, name, quota, prize_vnd}]}]
    categories: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    phases: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, server_default="[]")
    prize_budget_vnd: Mapped[int] = mapped_column(sa.BigInteger, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EntryView(Base):
    """An accepted entry as blind judging sees it: no author, no contact, no file name."""

    __tablename__ = "entries"

    entry_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    contest_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    category_id: Mapped[str] = mapped_column(sa.String(64))
    category_code: Mapped[str] = mapped_column(sa.String(16))
    category_name: Mapped[str] = mapped_column(sa.Text, server_default="")
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    title: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(8))
    synopsis: Mapped[str] = mapped_column(sa.Text, server_default="")
    series_parts: Mapped[int] = mapped_column(server_default="1")
    exemplars: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, server_default="[]")
    version: Mapped[int]
    # [{file_id, kind, media_type, size_bytes, object_key}]; keys are opaque
    files: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    cannot_anonymise: Mapped[bool] = mapped_column(server_default=sa.false())
    # accepted, or what a later screening decision made of it (then it leaves judging)
    status: Mapped[str] = mapped_column(sa.String(24), server_default="accepted")
    screened_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EntryCredits(Base):
    """Sealed: authors and publication of an entry (conflict checks, revealed with results)."""

    __tablename__ = "entry_credits"

    entry_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    authors: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    district: Mapped[str] = mapped_column(sa.Text, server_default="")
    publication: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, nullable=True)
    consent_republication: Mapped[bool] = mapped_column(server_default=sa.false())


class Council(Base):
    """Hội đồng sơ khảo (split into tiểu ban by category) or Hội đồng chung khảo."""

    __tablename__ = "councils"

    council_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    contest_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # preliminary | final
    name: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CouncilMember(Base):
    """A person of a council: a juror (in a subcommittee when category_id is set), the chair,
    or the council's secretary. Matched to the signed-in person by e-mail."""

    __tablename__ = "council_members"
    __table_args__ = (sa.UniqueConstraint("council_id", "email"),)

    member_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    council_id: Mapped[str] = mapped_column(sa.ForeignKey("councils.council_id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(320), index=True)  # lower-cased
    display_name: Mapped[str] = mapped_column(sa.Text)
    organisation: Mapped[str] = mapped_column(sa.Text, server_default="")
    role: Mapped[str] = mapped_column(sa.String(16))  # chair | juror | secretary
    category_id: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    # [{kind: relative|colleague, name, email, organisation}]
    relationships: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, server_default="[]")
    language: Mapped[str] = mapped_column(sa.String(8), server_default="vi")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Round(Base):
    __tablename__ = "rounds"

    round_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    contest_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    council_id: Mapped[str] = mapped_column(sa.ForeignKey("councils.council_id"))
    previous_round_id: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # preliminary | final
    name: Mapped[str] = mapped_column(sa.Text)
    # [{code, name, description, max_points, weight}]
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    jurors_per_entry: Mapped[int]
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    blind: Mapped[bool]
    method: Mapped[str] = mapped_column(sa.String(16))  # ranking method
    advance_top_n: Mapped[int | None] = mapped_column(nullable=True)
    advance_threshold: Mapped[float | None] = mapped_column(nullable=True)
    award_mode: Mapped[str | None] = mapped_column(sa.String(24), nullable=True)  # final only
    ballot_enabled: Mapped[bool] = mapped_column(server_default=sa.false())
    ballot_quorum: Mapped[int | None] = mapped_column(nullable=True)
    ballot_majority: Mapped[float] = mapped_column(server_default="0.5")
    reminder_hours: Mapped[list[int]] = mapped_column(sa.JSON, server_default="[72, 24]")
    # draft → assigned → released → closed → approved (final)
    status: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RoundEntry(Base):
    __tablename__ = "round_entries"

    round_id: Mapped[str] = mapped_column(sa.ForeignKey("rounds.round_id"), primary_key=True)
    entry_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)


class Assignment(Base):
    """A juror scores an entry in a round. Ended assignments stay (moved, conflict declared)."""

    __tablename__ = "assignments"
    __table_args__ = (
        sa.Index("ix_assignments_round_member", "round_id", "member_id"),
        sa.Index("ix_assignments_round_entry", "round_id", "entry_id"),
    )

    assignment_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    round_id: Mapped[str] = mapped_column(sa.ForeignKey("rounds.round_id"))
    entry_id: Mapped[str] = mapped_column(sa.String(64))
    member_id: Mapped[str] = mapped_column(sa.ForeignKey("council_members.member_id"))
    active: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)


class ConflictDeclaration(Base):
    __tablename__ = "conflict_declarations"

    declaration_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    round_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    entry_id: Mapped[str] = mapped_column(sa.String(64))
    member_id: Mapped[str] = mapped_column(sa.String(64))
    reason: Mapped[str] = mapped_column(sa.Text)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Score(Base):
    """A juror's points for an entry: a draft until submitted, then locked."""

    __tablename__ = "scores"

    assignment_id: Mapped[str] = mapped_column(
        sa.ForeignKey("assignments.assignment_id"), primary_key=True
    )
    round_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    entry_id: Mapped[str] = mapped_column(sa.String(64))
    member_id: Mapped[str] = mapped_column(sa.String(64))
    points: Mapped[dict[str, float | None]] = mapped_column(sa.JSON)
    comment: Mapped[str] = mapped_column(sa.Text, server_default="")
    total: Mapped[float | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(sa.String(16))  # draft | submitted
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class BallotRun(Base):
    """One ballot of a final round: the first over every finalist, later ones to break ties."""

    __tablename__ = "ballot_runs"

    round_id: Mapped[str] = mapped_column(sa.ForeignKey("rounds.round_id"), primary_key=True)
    ballot_no: Mapped[int] = mapped_column(primary_key=True)
    entry_ids: Mapped[list[str]] = mapped_column(sa.JSON)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class BallotReceipt(Base):
    """That a juror has voted in a ballot (never what)."""

    __tablename__ = "ballot_receipts"

    round_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    ballot_no: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BallotVote(Base):
    """What one ballot paper says (entry id → tier code or null), with no juror and no time."""

    __tablename__ = "ballot_votes"

    vote_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # random
    round_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    ballot_no: Mapped[int]
    choices: Mapped[dict[str, str | None]] = mapped_column(sa.JSON)


class ResultsSnapshot(Base):
    """Approved results, frozen: the canonical JSON and its SHA-256."""

    __tablename__ = "results_snapshots"

    round_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    contest_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    data: Mapped[str] = mapped_column(sa.Text)  # canonical JSON, exactly as hashed
    sha256: Mapped[str] = mapped_column(sa.String(64))
    approved_by: Mapped[str] = mapped_column(sa.Text)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditRecord(Base):
    """Append-only and hash-chained: each record's hash covers its content and the previous
    record's hash, so editing or removing any record breaks the chain after it."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(sa.Text)
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    round_id: Mapped[str | None] = mapped_column(sa.String(64), nullable=True, index=True)
    subject: Mapped[str] = mapped_column(sa.Text)
    data: Mapped[str] = mapped_column(sa.Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))


class AuditHead(Base):
    """The chain's last link. Appending updates it first, which serialises writers (a row lock
    on PostgreSQL, the write lock on SQLite) so two records never share a predecessor."""

    __tablename__ = "audit_head"

    chain: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    hash: Mapped[str] = mapped_column(sa.String(64))


class Reminder(Base):
    """A reminder to a juror: automatic ones are planned on release and cancelled once the
    juror is done; manual ones are sent at once."""

    __tablename__ = "reminders"
    __table_args__ = (sa.Index("ix_reminders_due", "status", "due_at"),)

    reminder_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    round_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    member_id: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(16))  # automatic | manual
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(16))  # pending | sent | cancelled
    note: Mapped[str] = mapped_column(sa.Text, server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
