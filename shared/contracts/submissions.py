"""Events emitted by the submissions service."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import AwareDatetime, Field

from .base import Event, Payload


class MediaKind(StrEnum):
    TEXT = "text"
    AUDIO = "audio"
    VIDEO = "video"
    IMAGE = "image"


class PhaseKind(StrEnum):
    ANNOUNCEMENT = "announcement"
    SUBMISSION = "submission"
    SCREENING = "screening"
    PRELIMINARY_ROUND = "preliminary_round"
    FINAL_ROUND = "final_round"
    RESULTS = "results"
    CEREMONY = "ceremony"
    PUBLICATION = "publication"


class Phase(Payload):
    kind: PhaseKind
    starts_at: AwareDatetime
    ends_at: AwareDatetime


class AwardTier(Payload):
    code: str = Field(min_length=1, max_length=16)
    name: str
    quota: int = Field(ge=0)
    prize_vnd: int = Field(ge=0)


class CategoryRules(Payload):
    allowed_kinds: tuple[MediaKind, ...]
    max_files: int = Field(ge=1)
    max_file_bytes: int = Field(ge=1)
    max_duration_seconds: int | None = None
    max_words: int | None = None
    max_series_parts: int = 1
    min_images: int | None = None


class Category(Payload):
    category_id: str
    code: str = Field(min_length=1, max_length=8)
    name: str
    rules: CategoryRules
    award_tiers: tuple[AwardTier, ...] = ()


class Eligibility(Payload):
    entries_per_author: int = Field(ge=1)
    languages: tuple[str, ...] = ("vi",)
    published_from: date | None = None
    published_until: date | None = None
    unpublished_allowed: bool = True


class ContestPublishedPayload(Payload):
    contest_id: str
    code: str
    version: int = Field(ge=1)
    title: str
    theme: str
    organizer: str
    timezone: str = "Asia/Ho_Chi_Minh"
    phases: tuple[Phase, ...]
    categories: tuple[Category, ...]
    eligibility: Eligibility
    prize_budget_vnd: int = Field(ge=0)
    change_reason: str | None = None


class ContestPublished(Event[ContestPublishedPayload]):
    """A contest was published, or a new version of it (the whole contest, every time)."""

    SUBJECT = "lantoa.submissions.contest_published.v1"
    DESCRIPTION = "Carries the whole contest, so consumers keep their own copy."


class SubmittedFile(Payload):
    file_id: str
    kind: MediaKind
    media_type: str
    size_bytes: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    object_key: str


class Submitter(Payload):
    """Contact of the account that submitted; never shown to jurors."""

    account_id: str
    email: str
    display_name: str
    language: str = "vi"


class EntrySubmittedPayload(Payload):
    entry_id: str
    code: str
    category_id: str
    category_code: str
    category_name: str
    title: str
    language: str
    version: int = Field(ge=1)
    submitted_at: datetime
    files: tuple[SubmittedFile, ...]
    submitter: Submitter


class EntrySubmitted(Event[EntrySubmittedPayload]):
    """An entry was submitted (or re-submitted after an edit: a higher version)."""

    SUBJECT = "lantoa.submissions.entry_submitted.v1"


class MediaVerifiedPayload(Payload):
    entry_id: str
    file: SubmittedFile


class MediaVerified(Event[MediaVerifiedPayload]):
    """An uploaded object passed verification and left quarantine."""

    SUBJECT = "lantoa.submissions.media_verified.v1"
