"""What the juror API takes and answers. Nothing here can name an author in a blind round."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from ..rounds.schemas import CriterionIn

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=2000)]


class MyRoundOut(BaseModel):
    round_id: str
    name: str
    kind: str
    status: str
    deadline: datetime
    assigned: int
    submitted: int
    ballot: bool


class MyAssignmentOut(BaseModel):
    assignment_id: str
    entry_code: str
    title: str
    category_code: str
    status: str  # todo | draft | submitted
    total: float | None


class FileOut(BaseModel):
    file_id: str
    kind: str
    media_type: str
    size_bytes: int
    url: str  # this service's link; it redirects to a short-lived storage URL
    text_url: str | None = None


class ExemplarOut(BaseModel):
    name: str
    collective: bool = False
    locality: str = ""
    field: str = ""


class AuthorOut(BaseModel):  # only in a round that is not blind
    full_name: str
    pen_name: str = ""
    organisation: str = ""


class JurorEntryOut(BaseModel):
    assignment_id: str
    round_id: str
    round_name: str
    blind: bool
    deadline: datetime
    entry_code: str
    title: str
    category_code: str
    category_name: str
    language: str
    synopsis: str
    series_parts: int
    exemplars: list[ExemplarOut]
    files: list[FileOut]
    authors: list[AuthorOut] | None
    criteria: list[CriterionIn]
    points: dict[str, float | None]
    comment: str
    total: float | None
    status: str
    can_edit: bool


class ScoreIn(BaseModel):
    points: dict[str, float | None] = Field(max_length=20)
    comment: str = Field(default="", max_length=5000)
    submit: bool = False


class ConflictIn(BaseModel):
    reason: Reason


class BallotOut(BaseModel):
    round_id: str
    ballot_no: int | None
    voted: bool
    tiers: list[tuple[str, str]]  # (code, name), best first
    finalists: list[MyAssignmentOut]


class BallotIn(BaseModel):
    ballot_no: int
    choices: dict[str, str | None] = Field(max_length=500)  # entry code → tier code or null
