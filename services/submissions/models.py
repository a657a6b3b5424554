"""Submissions' tables: accounts, contests with their categories, entries and their files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.contracts.base import new_event_id
from shared.db import UTCDateTime, new_metadata
from shared.messaging.tables import inbox_table, outbox_table


class Base(DeclarativeBase):
    metadata = new_metadata()


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)


class Account(Base):
    __tablename__ = "accounts"

    account_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True, default=new_event_id)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    display_name: Mapped[str] = mapped_column(sa.String(200))
    roles: Mapped[list[str]] = mapped_column(sa.JSON)
    language: Mapped[str] = mapped_column(sa.String(8), default="vi")
    phone: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    # active | invited (no password until the invitation is accepted) | disabled
    status: Mapped[str] = mapped_column(sa.String(16), default="active")
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    invited_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccountToken(Base):
    """A single-use link sent by e-mail. Only the token's hash is kept."""

    __tablename__ = "account_tokens"

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.account_id"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(24))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SignInThrottle(Base):
    """Failed sign-ins per key (an e-mail, or a client address) in the current window."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(sa.String(400), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(default=0)


class Contest(Base):
    __tablename__ = "contests"

    contest_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True, default=new_event_id)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    title: Mapped[str] = mapped_column(sa.Text)
    theme: Mapped[str] = mapped_column(sa.Text)
    organizer: Mapped[str] = mapped_column(sa.Text)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Ho_Chi_Minh")
    phases: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    eligibility: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    prize_budget_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    rules_html: Mapped[str] = mapped_column(sa.Text, default="")
    rules_pdf_key: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    version: Mapped[int] = mapped_column(default=0)  # 0 until first published
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    categories: Mapped[list[Category]] = relationship(
        order_by="Category.position", lazy="selectin", cascade="all, delete-orphan"
    )


class ContestChange(Base):
    """The contest's history: every published version, who published it and why."""

    __tablename__ = "contest_changes"

    contest_id: Mapped[str] = mapped_column(sa.ForeignKey("contests.contest_id"), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    changed_by: Mapped[str] = mapped_column(sa.String(64))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (sa.UniqueConstraint("contest_id", "code"),)

    category_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True, default=new_event_id)
    contest_id: Mapped[str] = mapped_column(sa.ForeignKey("contests.contest_id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(8))
    name: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int]
    rules: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    award_tiers: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)


class EntrySequence(Base):
    """Next entry number per category: entry codes such as LS26-TH-0042."""

    __tablename__ = "entry_sequences"

    category_id: Mapped[str] = mapped_column(
        sa.ForeignKey("categories.category_id"), primary_key=True
    )
    last_number: Mapped[int] = mapped_column(default=0)


class Entry(Base):
    __tablename__ = "entries"

    entry_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True, default=new_event_id)
    contest_id: Mapped[str] = mapped_column(sa.ForeignKey("contests.contest_id"), index=True)
    category_id: Mapped[str] = mapped_column(sa.ForeignKey("categories.category_id"))
    owner_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.account_id"), index=True)
    code: Mapped[str | None] = mapped_column(sa.String(32), unique=True, nullable=True)
    title: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(8))
    district: Mapped[str] = mapped_column(sa.String(100), default="")
    synopsis: Mapped[str] = mapped_column(sa.Text, default="")
    series_parts: Mapped[int] = mapped_column(default=1)
    exemplars: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # {"outlet", "published_on" (ISO date), "url"}; None for an unpublished work
    publication: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, nullable=True)
    consent_republication: Mapped[bool] = mapped_column(default=False)
    # draft | submitted | revision_requested | accepted | rejected | withdrawn
    status: Mapped[str] = mapped_column(sa.String(20), default="draft", index=True)
    version: Mapped[int] = mapped_column(default=0)
    cannot_anonymise: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    files: Mapped[list[EntryFile]] = relationship(
        order_by="EntryFile.created_at", lazy="selectin", cascade="all, delete-orphan"
    )
    authors: Mapped[list[EntryAuthor]] = relationship(
        order_by="EntryAuthor.position", lazy="selectin", cascade="all, delete-orphan"
    )


class EntryAuthor(Base):
    """An author of an entry: the main author first, then co-authors."""

    __tablename__ = "entry_authors"

    entry_id: Mapped[str] = mapped_column(sa.ForeignKey("entries.entry_id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)  # 0 = main author
    full_name: Mapped[str] = mapped_column(sa.String(200))
    pen_name: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation: Mapped[str] = mapped_column(sa.String(300), default="")
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    # Lower-cased: entries per author are counted by it, co-authorships included.
    email: Mapped[str] = mapped_column(sa.String(320), index=True)


class EntryVersion(Base):
    """Each submitted version of an entry, as it was then."""

    __tablename__ = "entry_versions"

    entry_id: Mapped[str] = mapped_column(sa.ForeignKey("entries.entry_id"), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScreeningRecord(Base):
    """Every decision of the secretariat on an entry, with who and when (append-only)."""

    __tablename__ = "screening_records"

    record_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True, default=new_event_id)
    entry_id: Mapped[str] = mapped_column(sa.ForeignKey("entries.entry_id"), index=True)
    entry_version: Mapped[int]
    # accepted | revision_requested | rejected | cannot_anonymise | can_anonymise
    action: Mapped[str] = mapped_column(sa.String(24))
    reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    decided_by: Mapped[str] = mapped_column(sa.String(64))
    decided_by_name: Mapped[str] = mapped_column(sa.String(200))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EntryFile(Base):
    __tablename__ = "entry_files"

    file_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True, default=new_event_id)
    entry_id: Mapped[str] = mapped_column(sa.ForeignKey("entries.entry_id"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))  # cleaned; never shown to jurors
    # work | translation (the Vietnamese translation of a work in a minority language)
    role: Mapped[str] = mapped_column(sa.String(16), default="work")
    series_part: Mapped[int | None] = mapped_column(nullable=True)
    declared_size: Mapped[int] = mapped_column(sa.BigInteger)
    declared_sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    # uploading | verifying | verified | rejected | cancelled | removed (kept for a version)
    status: Mapped[str] = mapped_column(sa.String(16), default="uploading")
    quarantine_key: Mapped[str] = mapped_column(sa.String(300))
    upload_id: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    part_size: Mapped[int] = mapped_column(sa.BigInteger)
    part_count: Mapped[int]
    object_key: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    # A text's reading copy beside it (`<object_key>.txt`): its body as UTF-8 plain text
    text_key: Mapped[str | None] = mapped_column(sa.String(304), nullable=True)
    # The verified digest of what the contestant sent (same file in two entries = same digest),
    # and of the object kept, which differs when identifying metadata was stripped.
    sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True, index=True)
    stored_sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    stored_size: Mapped[int | None] = mapped_column(sa.BigInteger, nullable=True)
    kind: Mapped[str | None] = mapped_column(sa.String(16), nullable=True)
    media_type: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    # What the verifier measured: duration, codecs, words, pages, width, height
    facts: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, nullable=True)
    # Identifying metadata found in the file (and stripped, where the format allows)
    identifying: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, nullable=True)
    rejection: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
