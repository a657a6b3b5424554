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
    max_duration_seconds: int | None = Field(default=None, ge=1)  # per audio/video file
    max_words: int | None = Field(default=None, ge=1)  # per text file (one series part)
    max_series_parts: int = Field(default=1, ge=1)
    min_images: int | None = Field(default=None, ge=1)  # a photo series needs at least this


class Category(Payload):
    category_id: str
    code: str = Field(min_length=1, max_length=8)
    name: str
    rules: CategoryRules
    award_tiers: tuple[AwardTier, ...] = ()


class Eligibility(Payload):
    entries_per_author: int = Field(ge=1)
    # Language codes (ISO 639): vi, and e.g. tyz (Tày), nut (Nùng), ium (Dao).
    languages: tuple[str, ...] = ("vi",)
    # Works in these languages must come with a Vietnamese translation attached.
    translation_required: tuple[str, ...] = ("tyz", "nut", "ium")
    published_from: date | None = None
    published_until: date | None = None
    unpublished_allowed: bool = True
    # People who may not enter beyond the contest's own staff accounts (committee members...).
    excluded_emails: tuple[str, ...] = ()


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
    rules_html: str = ""  # Thể lệ, sanitised rich text
    rules_pdf_key: str | None = None  # the signed rules as a PDF, in object storage
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
    # A text's reading copy: its words as UTF-8 plain text, paragraphs kept (no metadata).
    text_key: str | None = None


class Submitter(Payload):
    """Contact of the account that submitted; never shown to jurors."""

    account_id: str
    email: str
    display_name: str
    language: str = "vi"
    # For Zalo ZNS messages: the account's phone, else the main author's (as typed).
    phone: str = ""


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


class UploadCompletedPayload(Payload):
    entry_id: str
    file_id: str
    object_key: str  # in the quarantine prefix
    declared_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size_bytes: int = Field(ge=1)


class UploadCompleted(Event[UploadCompletedPayload]):
    """All parts of an upload are stored; the verifier takes it from here."""

    SUBJECT = "lantoa.submissions.upload_completed.v1"
    DESCRIPTION = "Consumed by submissions' own verifier, which scales on its own."


class EntryWithdrawnPayload(Payload):
    entry_id: str
    code: str
    category_id: str
    title: str
    withdrawn_at: datetime
    submitter: Submitter


class EntryWithdrawn(Event[EntryWithdrawnPayload]):
    """The contestant withdrew a submitted entry before the deadline."""

    SUBJECT = "lantoa.submissions.entry_withdrawn.v1"


class ScreeningDecision(StrEnum):
    ACCEPTED = "accepted"
    REVISION_REQUESTED = "revision_requested"
    REJECTED = "rejected"


class Exemplar(Payload):
    """The person or collective a work is about (not its author)."""

    name: str
    collective: bool = False
    locality: str = ""
    field: str = ""
    # The exemplar in the publish service's press room, when the entrant picked one.
    exemplar_id: str = ""


class AnonymisedEntry(Payload):
    """What a juror may know of an entry in a blind round: no author, no contact, no file
    names; object keys are opaque and the files were stripped of identifying metadata."""

    code: str
    category_id: str
    category_code: str
    category_name: str
    title: str
    language: str
    synopsis: str
    series_parts: int = Field(ge=1)
    exemplars: tuple[Exemplar, ...] = ()
    files: tuple[SubmittedFile, ...]
    # A byline is part of the work (e.g. a signed reportage): jurors will see it.
    cannot_anonymise: bool = False


class Authorship(Payload):
    full_name: str
    pen_name: str = ""
    organisation: str = ""  # newsroom or employer
    email: str = ""


class Publication(Payload):
    outlet: str
    published_on: date | None = None
    url: str | None = None


class EntryCredits(Payload):
    """Who made a work and where it ran. Judging keeps it sealed: it checks jurors' conflicts
    of interest against it and reveals it only with the approved results."""

    authors: tuple[Authorship, ...]
    district: str = ""
    publication: Publication | None = None
    consent_republication: bool = False


class EntryScreenedPayload(Payload):
    entry_id: str
    code: str
    category_id: str
    version: int = Field(ge=1)
    decision: ScreeningDecision
    reason: str | None = None
    decided_at: datetime
    # Only when accepted: the entry as blind judging sees it.
    entry: AnonymisedEntry | None = None
    credits: EntryCredits | None = None  # only when accepted
    # For notify only, to tell the contestant; judging never stores it.
    submitter: Submitter


class EntryScreened(Event[EntryScreenedPayload]):
    """The secretariat decided on a submitted entry: accepted, revision requested, rejected."""

    SUBJECT = "lantoa.submissions.entry_screened.v1"


class AccountEmailPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    STAFF_INVITATION = "staff_invitation"


class AccountEmailRequestedPayload(Payload):
    account_id: str
    purpose: AccountEmailPurpose
    email: str
    display_name: str
    language: str = "vi"
    link: str  # absolute, single use
    expires_at: datetime
    roles: tuple[str, ...] = ()  # for an invitation: what the person is invited as


class AccountEmailRequested(Event[AccountEmailRequestedPayload]):
    """Send a person a single-use link: verify the e-mail, reset the password, accept an
    invitation."""

    SUBJECT = "lantoa.submissions.account_email_requested.v1"
