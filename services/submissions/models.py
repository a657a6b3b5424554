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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


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
    version: Mapped[int] = mapped_column(default=0)  # 0 until first published
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    categories: Mapped[list[Category]] = relationship(
        order_by="Category.position", lazy="selectin", cascade="all, delete-orphan"
    )


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
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    version: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    files: Mapped[list[EntryFile]] = relationship(
        order_by="EntryFile.created_at", lazy="selectin", cascade="all, delete-orphan"
    )


class EntryFile(Base):
    __tablename__ = "entry_files"

    file_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True, default=new_event_id)
    entry_id: Mapped[str] = mapped_column(sa.ForeignKey("entries.entry_id"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    declared_size: Mapped[int] = mapped_column(sa.BigInteger)
    declared_sha256: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default="awaiting_upload")
    quarantine_key: Mapped[str] = mapped_column(sa.String(300))
    object_key: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    kind: Mapped[str | None] = mapped_column(sa.String(16), nullable=True)
    media_type: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    rejection: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
