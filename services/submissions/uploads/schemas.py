"""Request and response bodies of the upload protocol."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class UploadIn(BaseModel):
    file_name: str = Field(min_length=1, max_length=1000)
    size_bytes: int = Field(gt=0)
    role: Literal["work", "translation"] = "work"
    series_part: int | None = Field(default=None, ge=1, le=100)


class UploadOut(BaseModel):
    file_id: str
    part_size: int
    part_count: int
    expires_at: datetime


class PartOut(BaseModel):
    part_number: int
    size: int


class UploadStateOut(BaseModel):
    file_id: str
    file_name: str
    size_bytes: int
    part_size: int
    part_count: int
    status: str
    parts: list[PartOut]


class PartUrlsIn(BaseModel):
    part_numbers: list[int] = Field(min_length=1, max_length=50)


class PartUrlsOut(BaseModel):
    urls: dict[str, str]
    expires_at: datetime


class CompleteIn(BaseModel):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
