"""The winners of approved results, as the public site, the feeds and the outlets read them.

Only what may be public is kept: authors' names, pen names and organisations, never their
e-mail addresses or phones."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime

from ..models import Base


class WinningWork(Base):
    __tablename__ = "winners"

    entry_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    contest_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    contest_code: Mapped[str] = mapped_column(sa.String(16))
    contest_title: Mapped[str] = mapped_column(sa.Text)
    code: Mapped[str] = mapped_column(sa.String(32), index=True)
    title: Mapped[str] = mapped_column(sa.Text)
    category_code: Mapped[str] = mapped_column(sa.String(16))
    category_name: Mapped[str] = mapped_column(sa.Text)
    tier_code: Mapped[str] = mapped_column(sa.String(16))
    tier_name: Mapped[str] = mapped_column(sa.Text)
    tier_order: Mapped[int]  # A before B before C before KK (see domain.site.tier_order)
    position: Mapped[int]  # the order judging listed the winners in
    prize_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    language: Mapped[str] = mapped_column(sa.String(16))
    synopsis: Mapped[str] = mapped_column(sa.Text)
    # [{name, collective, locality, field, exemplar_id}]
    exemplars: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    # [{full_name, pen_name, organisation}]: never an e-mail address
    authors: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    district: Mapped[str] = mapped_column(sa.String(128))
    publication: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, nullable=True)
    consent: Mapped[bool]
    # [{kind, media_type, size_bytes, object_key, text_key, duration_s, download_name}]
    files: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    body_text: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    prepared_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    snapshot_hash: Mapped[str] = mapped_column(sa.String(64))
    # SHA-256 of what judging sent of this winner: an identical re-approval changes nothing.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    retraction_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
