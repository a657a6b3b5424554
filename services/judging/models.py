"""Judging's tables: its projection of contests and entries (no author identity is kept)."""

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
    version: Mapped[int]
    categories: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EntryView(Base):
    __tablename__ = "entries"

    entry_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    contest_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    category_id: Mapped[str] = mapped_column(sa.String(64))
    category_code: Mapped[str] = mapped_column(sa.String(16))
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    title: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(8))
    version: Mapped[int]
    files: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
