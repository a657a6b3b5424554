"""What the rounds API takes and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from shared.contracts.judging import RoundKind

from ..domain.aggregates import RankingMethod
from ..domain.awards import AwardMode

Line = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=2000)]


class CriterionIn(BaseModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    name: Line = Field(min_length=2)
    description: str = Field(default="", max_length=2000)
    max_points: float = Field(gt=0, le=1000)
    weight: float = Field(gt=0, le=1000)


class RoundIn(BaseModel):
    council_id: str
    kind: RoundKind
    name: Line = Field(min_length=3)
    criteria: list[CriterionIn] = Field(min_length=1, max_length=20)
    jurors_per_entry: int = Field(ge=1, le=50)
    deadline: AwareDatetime
    blind: bool = True
    method: RankingMethod = RankingMethod.MEAN
    advance_top_n: int | None = Field(default=None, ge=1)
    advance_threshold: float | None = Field(default=None, ge=0, le=100)
    previous_round_id: str | None = None  # the final round takes the preliminary's advancing
    award_mode: AwardMode | None = None  # final round: how tiers are decided
    ballot_enabled: bool = False
    ballot_quorum: int | None = Field(default=None, ge=1)
    ballot_majority: float = Field(default=0.5, ge=0.5, lt=1)
    reminder_hours: list[int] = Field(default_factory=lambda: [72, 24], max_length=5)


class MoveIn(BaseModel):
    assignment_id: str
    to_member_id: str
    reason: Reason


class ReasonIn(BaseModel):
    reason: Reason


class DeadlineIn(BaseModel):
    deadline: AwareDatetime
    reason: Reason


class CloseIn(BaseModel):
    # Closing with scores still missing needs a reason (e.g. a juror fell ill).
    unfinished_reason: str | None = Field(default=None, max_length=2000)


class RemindIn(BaseModel):
    member_ids: list[str] | None = None  # None: everyone with unfinished work
    note: str = Field(default="", max_length=1000)


class RoundOut(BaseModel):
    round_id: str
    contest_id: str
    council_id: str
    previous_round_id: str | None
    kind: RoundKind
    name: str
    criteria: list[CriterionIn]
    jurors_per_entry: int
    deadline: datetime
    blind: bool
    method: RankingMethod
    advance_top_n: int | None
    advance_threshold: float | None
    award_mode: AwardMode | None
    ballot_enabled: bool
    ballot_quorum: int | None
    ballot_majority: float
    status: str


class AssignmentOut(BaseModel):
    assignment_id: str
    entry_id: str
    entry_code: str
    category_code: str
    member_id: str
    juror_name: str
    active: bool
    ended_reason: str | None
    score_status: str | None


class AssignOut(BaseModel):
    assignments: int
    balanced: bool
    short: dict[str, int]  # entry code → jurors missing
    problems: list[str]


class JurorProgress(BaseModel):
    member_id: str
    display_name: str
    category_id: str | None
    assigned: int
    submitted: int
    drafts: int


class ProgressOut(BaseModel):
    round_id: str
    status: str
    deadline: datetime
    assigned: int
    submitted: int
    jurors: list[JurorProgress]
