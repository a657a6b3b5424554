"""News items the organizers post on the public site."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime

from ..models import Base


class NewsItem(Base):
    __tablename__ = "news_items"
    __table_args__ = (sa.UniqueConstraint("contest_id", "slug"),)

    news_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    contest_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    slug: Mapped[str] = mapped_column(sa.String(160))
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)  # sanitised (nh3) or built from paragraphs
    author_name: Mapped[str] = mapped_column(sa.String(200))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
