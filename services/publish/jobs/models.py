"""Publication jobs (one per winner and outlet, never two) and every try of each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime

from ..models import Base


class PublicationJob(Base):
    __tablename__ = "publication_jobs"
    __table_args__ = (
        sa.UniqueConstraint("entry_id", "outlet_id"),
        sa.Index("ix_publication_jobs_due", "status", "next_attempt_at"),
    )

    job_id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    contest_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    entry_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    outlet_id: Mapped[str] = mapped_column(sa.String(32), sa.ForeignKey("outlets.outlet_id"))
    # scheduled | running | published | failed | retracting | retracted | canceled
    status: Mapped[str] = mapped_column(sa.String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(sa.Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    remote_id: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    remote_url: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    answer: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    last_error: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    retract_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PublicationAttempt(Base):
    __tablename__ = "publication_attempts"

    attempt_id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    job_id: Mapped[str] = mapped_column(
        sa.String(32), sa.ForeignKey("publication_jobs.job_id"), index=True
    )
    n: Mapped[int] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(16))  # publish | retract
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(sa.String(16))  # ok | temporary | permanent
    detail: Mapped[str] = mapped_column(sa.Text)
    actor: Mapped[str] = mapped_column(sa.String(64))  # "" for the runner, else who asked
