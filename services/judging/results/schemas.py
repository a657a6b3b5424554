"""What the results API answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class LineOut(BaseModel):
    entry_id: str
    entry_code: str
    title: str
    rank: int | None
    value: float | None
    n: int
    mean: float | None
    median: float | None
    trimmed_mean: float | None
    zscore: float | None
    spread: float | None
    high_disagreement: bool
    advancing: bool
    votes: dict[str, int] | None
    quorum_met: bool | None
    tier: str | None
    tier_name: str | None
    prize_vnd: int | None
    authors: list[str] | None  # only once approved


class CategoryOut(BaseModel):
    category_id: str
    code: str
    name: str
    lines: list[LineOut]
    ties_at_cut: list[str]
    needs_runoff: list[str]


class ResultsOut(BaseModel):
    round_id: str
    round_name: str
    kind: str
    status: str
    method: str
    method_label: str
    categories: list[CategoryOut]
    flagged_jurors: list[str]
    total_prize_vnd: int
    prize_budget_vnd: int
    overflow_vnd: int
    approval_problems: list[str]
    snapshot_hash: str | None
    approved_at: datetime | None


class ApproveIn(BaseModel):
    # Needed only when prizes exceed the budget: why the organizer approves anyway.
    overflow_reason: str | None = Field(default=None, max_length=2000)


class ApprovedOut(BaseModel):
    round_id: str
    sha256: str
    approved_at: datetime
