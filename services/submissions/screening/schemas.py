"""Bodies of the screening API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from shared.contracts.submissions import ScreeningDecision


class DecisionIn(BaseModel):
    decision: ScreeningDecision
    reason: str | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _reason_when_not_accepted(self) -> DecisionIn:
        if self.decision is not ScreeningDecision.ACCEPTED and not (self.reason or "").strip():
            raise ValueError("Yêu cầu sửa hoặc loại bài cần ghi rõ lý do. / A reason is required.")
        return self


class AnonymityIn(BaseModel):
    cannot_anonymise: bool
    reason: str = Field(min_length=3, max_length=2000)


class QueueItem(BaseModel):
    entry_id: str
    code: str | None
    title: str
    category_code: str
    district: str
    status: str
    version: int
    submitted_at: datetime | None
    duplicate: bool
    cannot_anonymise: bool


class RecordOut(BaseModel):
    action: str
    reason: str | None
    decided_by_name: str
    decided_at: datetime
    entry_version: int


class DuplicateOut(BaseModel):
    file_id: str
    other_entry_id: str
    other_code: str | None
    other_status: str


class ScreeningEntryOut(BaseModel):
    entry_id: str
    status: str
    version: int
    cannot_anonymise: bool
    submitted: dict[str, Any]  # the version as submitted (snapshot)
    file_urls: dict[str, str]  # file_id → a short-lived URL to read or play it (ranges work)
    duplicates: list[DuplicateOut]
    history: list[RecordOut]


QueueStatus = Literal["submitted", "revision_requested", "accepted", "rejected", "withdrawn"]
