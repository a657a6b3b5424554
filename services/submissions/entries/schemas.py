"""Request and response bodies of the entry API."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, EmailStr, Field, HttpUrl

from ..domain.text import multi_line, single_line

Line = Annotated[str, AfterValidator(single_line)]
Paragraphs = Annotated[str, AfterValidator(multi_line)]


class AuthorIn(BaseModel):
    full_name: Line = Field(min_length=2, max_length=200)
    pen_name: Line = Field(default="", max_length=200)
    organisation: Line = Field(default="", max_length=300)
    phone: str = Field(default="", pattern=r"^(\+?[0-9][0-9 .-]{7,18})?$")
    email: EmailStr


def exemplar_code(value: object) -> object:
    """ "gd-7", "GD 0007" → "GD-0007": the code of an exemplar in publish's press room,
    checked by its form only (this service does not ask publish whether it exists)."""
    if not isinstance(value, str):
        return value
    found = re.fullmatch(r"\s*GD\s*-?\s*(\d{1,6})\s*", value, re.IGNORECASE)
    return f"GD-{int(found.group(1)):04d}" if found and int(found.group(1)) else value.strip()


class ExemplarIn(BaseModel):
    name: Line = Field(min_length=2, max_length=300)
    collective: bool = False
    locality: Line = Field(default="", max_length=200)
    field: Line = Field(default="", max_length=200)
    # The press room's code of this exemplar, when the entrant found it there ("GD-0001").
    exemplar_id: Annotated[str, BeforeValidator(exemplar_code)] = Field(
        default="", pattern=r"^(GD-\d{4,6})?$"
    )


class PublicationIn(BaseModel):
    outlet: Line = Field(min_length=2, max_length=300)
    published_on: date
    url: HttpUrl | None = None


class EntryFields(BaseModel):
    title: Line = Field(min_length=2, max_length=500)
    language: str = Field(default="vi", pattern=r"^[a-z]{2,8}$")
    district: Line = Field(default="", max_length=100)
    synopsis: Paragraphs = Field(default="", max_length=5000)
    series_parts: int = Field(default=1, ge=1, le=50)
    authors: list[AuthorIn] = Field(min_length=1, max_length=10)
    exemplars: list[ExemplarIn] = Field(default=[], max_length=20)
    publication: PublicationIn | None = None
    consent_republication: bool = False


class EntryIn(EntryFields):
    contest_id: str
    category_code: str = Field(pattern=r"^[A-Z]{2,4}$")


class FileOut(BaseModel):
    file_id: str
    original_name: str
    role: str
    series_part: int | None
    size_bytes: int
    status: str
    kind: str | None
    media_type: str | None
    facts: dict[str, Any] | None
    rejection: str | None


class ProblemOut(BaseModel):
    code: str
    message: str


class EntryOut(BaseModel):
    entry_id: str
    contest_id: str
    category_code: str
    code: str | None
    title: str
    language: str
    district: str
    synopsis: str
    series_parts: int
    authors: list[AuthorIn]
    exemplars: list[ExemplarIn]
    publication: PublicationIn | None
    consent_republication: bool
    status: str
    # As the author sees it: an accepted entry is "in_judging" during the rounds, then "results".
    stage: str
    version: int
    submitted_at: datetime | None
    withdrawn_at: datetime | None
    files: list[FileOut]
    # What still stands between this entry and its (re-)submission.
    problems: list[ProblemOut] = []
