from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator


class AnnouncementIn(BaseModel):
    audience: Literal["contestants", "category", "jurors"]
    category_id: str | None = None
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=10_000)
    channels: tuple[Literal["email", "zalo"], ...] = ("email",)

    @field_validator("subject")
    @classmethod
    def one_line(cls, value: str) -> str:
        if "\r" in value or "\n" in value:
            raise ValueError("Tiêu đề phải nằm trên một dòng / the subject must be one line")
        return value.strip()


class AnnouncementOut(BaseModel):
    announcement_id: str
    contest_id: str
    audience: str
    category_id: str | None
    subject: str
    body: str
    channels: str
    recipients: int
    created_by: str
    created_at: datetime


class PreviewOut(BaseModel):
    recipients: int
    subject: str
    text: str
    html: str
