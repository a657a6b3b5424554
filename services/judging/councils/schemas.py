"""What the councils API takes and answers."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, EmailStr, Field, StringConstraints

from shared.contracts.judging import RoundKind

from ..domain.conflicts import RelationshipKind

Line = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class MemberRole(StrEnum):
    CHAIR = "chair"  # Chủ tịch Hội đồng
    JUROR = "juror"  # Giám khảo
    SECRETARY = "secretary"  # Thư ký Hội đồng


class CouncilIn(BaseModel):
    kind: RoundKind
    name: Line = Field(min_length=3)


class RelationshipIn(BaseModel):
    kind: RelationshipKind
    name: Line = Field(min_length=2)
    email: EmailStr | None = None
    organisation: Line = ""


class MemberIn(BaseModel):
    email: EmailStr
    display_name: Line = Field(min_length=2)
    organisation: Line = ""
    role: MemberRole = MemberRole.JUROR
    # A preliminary council's subcommittee (tiểu ban) is its category; chairs may have none.
    category_id: str | None = None
    relationships: list[RelationshipIn] = Field(default_factory=list, max_length=50)
    language: str = Field(default="vi", pattern=r"^(vi|en)$")


class MemberOut(BaseModel):
    member_id: str
    email: str
    display_name: str
    organisation: str
    role: MemberRole
    category_id: str | None
    relationships: list[RelationshipIn]


class CouncilOut(BaseModel):
    council_id: str
    contest_id: str
    kind: RoundKind
    name: str
    members: list[MemberOut]
