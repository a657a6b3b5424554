"""Request and response bodies of the entry API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class EntryIn(BaseModel):
    contest_id: str
    category_code: str = Field(pattern=r"^[A-Z]{2,4}$")
    title: str = Field(min_length=1, max_length=500)
    language: str = Field(default="vi", pattern=r"^[a-z]{2,8}$")


class FileIn(BaseModel):
    file_name: str = Field(min_length=1, max_length=255)
    size_bytes: int = Field(gt=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class UploadOut(BaseModel):
    file_id: str
    upload_url: str
    method: str = "PUT"
    expires_at: datetime


class FileOut(BaseModel):
    file_id: str
    original_name: str
    size_bytes: int
    status: str
    kind: str | None
    media_type: str | None
    rejection: str | None


class EntryOut(BaseModel):
    entry_id: str
    contest_id: str
    category_code: str
    code: str | None
    title: str
    language: str
    status: str
    version: int
    submitted_at: datetime | None
    files: list[FileOut]
