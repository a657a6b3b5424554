"""Request and response bodies of the contest API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from shared.contracts.submissions import AwardTier, CategoryRules, Eligibility, Phase


class CategoryIn(BaseModel):
    code: str = Field(pattern=r"^[A-Z]{2,4}$")
    name: str = Field(min_length=1, max_length=200)
    rules: CategoryRules
    award_tiers: list[AwardTier] = []


class ContestIn(BaseModel):
    code: str = Field(pattern=r"^[A-Z0-9]{2,12}$", description="Prefix of entry codes, e.g. LS26")
    title: str = Field(min_length=5, max_length=500)
    theme: str = Field(min_length=1, max_length=5000)
    organizer: str = Field(min_length=1, max_length=500)
    timezone: str = "Asia/Ho_Chi_Minh"
    phases: list[Phase] = Field(min_length=1)
    categories: list[CategoryIn] = Field(min_length=1)
    eligibility: Eligibility
    prize_budget_vnd: int = Field(ge=0)
    rules_html: str = Field(default="", max_length=200_000, description="Thể lệ (rich text)")

    @model_validator(mode="after")
    def _consistent(self) -> ContestIn:
        codes = [c.code for c in self.categories]
        if len(set(codes)) != len(codes):
            raise ValueError("Mã thể loại bị trùng. / Category codes must be unique.")
        for category in self.categories:
            awarded = sum(t.quota * t.prize_vnd for t in category.award_tiers)
            if awarded > self.prize_budget_vnd:
                raise ValueError(
                    f"Giải của thể loại {category.code} vượt tổng kinh phí giải thưởng. "
                    "/ Awards exceed the prize budget."
                )
        total = sum(t.quota * t.prize_vnd for c in self.categories for t in c.award_tiers)
        if total > self.prize_budget_vnd:
            raise ValueError(
                "Tổng tiền các giải vượt tổng kinh phí giải thưởng. "
                "/ The awards exceed the prize budget."
            )
        for phase in self.phases:
            if phase.ends_at <= phase.starts_at:
                raise ValueError(
                    f"Giai đoạn {phase.kind.value} kết thúc trước khi bắt đầu. "
                    "/ Phase ends before it starts."
                )
        return self


class PublishIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)


class ContestChangeIn(BaseModel):
    contest: ContestIn
    reason: str | None = Field(default=None, max_length=2000)


class ChangeOut(BaseModel):
    version: int
    reason: str | None
    changed_by: str
    changed_at: datetime


class CategoryOut(BaseModel):
    category_id: str
    code: str
    name: str
    rules: CategoryRules
    award_tiers: list[AwardTier]


class ContestOut(BaseModel):
    contest_id: str
    code: str
    title: str
    theme: str
    organizer: str
    version: int
    published_at: datetime | None
    phases: list[Phase]
    categories: list[CategoryOut]
    eligibility: Eligibility
    prize_budget_vnd: int
    rules_html: str
    rules_pdf_url: str | None
