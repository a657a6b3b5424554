"""The exemplar press room's tables: the exemplars journalists browse, and the organizers'
imports (every row of a file, checked, kept until confirmed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime

from ..models import Base


class Exemplar(Base):
    """An exemplar ("gương điển hình"): a person or a collective, with a short stable code."""

    __tablename__ = "exemplars"

    exemplar_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)  # "GD-0001"
    number: Mapped[int] = mapped_column(unique=True)  # the number in the code
    name: Mapped[str] = mapped_column(sa.String(300))
    collective: Mapped[bool]
    unit: Mapped[str] = mapped_column(sa.String(300))
    cluster: Mapped[str] = mapped_column(sa.String(200))  # emulation cluster ("cụm thi đua")
    district: Mapped[str] = mapped_column(sa.String(100))
    field: Mapped[str] = mapped_column(sa.String(200))
    achievements: Mapped[str] = mapped_column(sa.Text)  # paragraphs, one per line
    contact: Mapped[str] = mapped_column(sa.String(300))  # shown only with consent
    consent: Mapped[bool]  # agreed to be published: the public sees only these
    # Folded name and unit: one exemplar per person or collective and unit.
    dedupe_key: Mapped[str] = mapped_column(sa.String(640), unique=True)
    # " word word … " of name, unit, place, field and achievements: lower case with diacritics,
    # and folded without them (see domain.exemplars.search_text).
    search_exact: Mapped[str] = mapped_column(sa.Text)
    search_folded: Mapped[str] = mapped_column(sa.Text)
    import_id: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ExemplarImport(Base):
    """An uploaded file, checked row by row; its good rows are saved when confirmed."""

    __tablename__ = "exemplar_imports"

    import_id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    file_name: Mapped[str] = mapped_column(sa.String(255))
    file_format: Mapped[str] = mapped_column(sa.String(8))  # csv | xlsx
    encoding: Mapped[str] = mapped_column(sa.String(32))  # of a CSV; "" for XLSX
    delimiter: Mapped[str] = mapped_column(sa.String(4))
    header_line: Mapped[int]
    ignored_columns: Mapped[list[str]] = mapped_column(sa.JSON)
    # [{line, values: {name, kind, unit, …, consent}, problems: ["Dòng 7: thiếu tên / …"]}]
    rows: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    rows_total: Mapped[int]
    rows_ok: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(16))  # previewed | confirmed
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    confirmed_by: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The codes given to the saved rows; rows stored meanwhile by another import are skipped.
    saved_ids: Mapped[list[str]] = mapped_column(sa.JSON)
    skipped: Mapped[int]
