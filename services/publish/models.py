"""Publish's tables: what the public may see of contests, and which entries have arrived;
the other features' tables are imported at the end."""

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


class PublicContest(Base):
    __tablename__ = "public_contests"

    contest_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    title: Mapped[str] = mapped_column(sa.Text)
    theme: Mapped[str] = mapped_column(sa.Text)
    organizer: Mapped[str] = mapped_column(sa.Text)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    version: Mapped[int]
    phases: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    categories: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The contest page: rules (sanitised by submissions), prize budget, who may enter.
    rules_html: Mapped[str] = mapped_column(sa.Text, server_default="")
    prize_budget_vnd: Mapped[int] = mapped_column(sa.BigInteger, server_default="0")
    eligibility: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, nullable=True)


class ArrivedEntry(Base):
    """An entry was submitted: counted publicly, nothing about it shown before the results."""

    __tablename__ = "arrived_entries"

    contest_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    entry_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    category_code: Mapped[str] = mapped_column(sa.String(16))
    first_submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)


# Each feature keeps its tables beside its code; importing them here puts them all on
# Base.metadata for migrations and the schema check.
from .exemplars import models as _exemplars  # noqa: E402, F401
from .jobs import models as _jobs  # noqa: E402, F401
from .news import models as _news  # noqa: E402, F401
from .outlets import models as _outlets  # noqa: E402, F401
from .winners import models as _winners  # noqa: E402, F401
