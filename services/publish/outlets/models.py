"""Outlets the organizers configured, and the Zalo official accounts' tokens (one row per
Zalo OA outlet, sealed like every other credential)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime
from shared.zalo.tokens import zalo_tokens_table

from ..models import Base


class OutletRecord(Base):
    """One outlet: its kind's options in ``settings`` (not secret) and its credentials sealed
    together with Fernet (``credentials``: a token, or "" when none are set)."""

    __tablename__ = "outlets"

    outlet_id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    contest_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32))
    address: Mapped[str] = mapped_column(sa.String(2000))
    settings: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    credentials: Mapped[str] = mapped_column(sa.Text)
    # the names of the credentials set (never their values), for forms and answers
    credential_names: Mapped[list[str]] = mapped_column(sa.JSON)
    categories: Mapped[list[str]] = mapped_column(sa.JSON)  # category codes; empty: all
    publish_from: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    active: Mapped[bool] = mapped_column(sa.Boolean)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


ZALO_TOKENS = zalo_tokens_table(Base.metadata)
