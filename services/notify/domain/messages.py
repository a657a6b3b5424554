"""What each event tells its reader: the template, the recipient and the values shown.

Pure functions of the event payload, so every message can be checked without a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from shared.contracts.judging import JurorAssignedPayload, JurorReminderRequestedPayload
from shared.contracts.submissions import (
    AccountEmailPurpose,
    AccountEmailRequestedPayload,
    EntryScreenedPayload,
    EntrySubmittedPayload,
    EntryWithdrawnPayload,
    ScreeningDecision,
)

from .formatting import local_datetime
from .templates import supported_language

# Staff roles as the contest's own documents name them (vi), and in English.
ROLE_NAMES: dict[str, tuple[str, str]] = {
    "organizer": ("Ban Tổ chức", "Organizing committee"),
    "secretariat": ("Tổ Thư ký", "Secretariat"),
    "juror": ("Giám khảo", "Juror"),
    "operator": ("Vận hành", "Operator"),
    "contestant": ("Tác giả dự thi", "Contestant"),
}

ACCOUNT_TEMPLATES: dict[AccountEmailPurpose, str] = {
    AccountEmailPurpose.VERIFY_EMAIL: "account_verify_email",
    AccountEmailPurpose.RESET_PASSWORD: "account_reset_password",
    AccountEmailPurpose.STAFF_INVITATION: "account_staff_invitation",
}

SCREENING_TEMPLATES: dict[ScreeningDecision, str] = {
    ScreeningDecision.ACCEPTED: "entry_screening_accepted",
    ScreeningDecision.REVISION_REQUESTED: "entry_screening_revision",
    ScreeningDecision.REJECTED: "entry_screening_rejected",
}


@dataclass(frozen=True)
class Message:
    template: str
    recipient: str
    language: str
    context: dict[str, Any]


def role_names(roles: Sequence[str], language: str) -> tuple[str, ...]:
    """Role names for the reader; English readers also get the Vietnamese name the contest
    documents use. An unknown role is shown as given rather than dropped."""
    names: list[str] = []
    for role in roles:
        known = ROLE_NAMES.get(role)
        if known is None:
            names.append(role)
        elif supported_language(language) == "en":
            names.append(f"{known[1]} ({known[0]})")
        else:
            names.append(known[0])
    return tuple(names)


def entries_url(portal_url: str) -> str:
    return portal_url.rstrip("/") + "/entries"


def absolute_link(link: str) -> str:
    """The link exactly as given, provided it is an absolute http(s) URL: anything else
    (a relative path, javascript:) would be a broken or dangerous button in a mail."""
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https") or not parts.netloc or link != link.strip():
        raise ValueError(f"not an absolute http(s) link: {link!r}")
    return link


def receipt_message(p: EntrySubmittedPayload, portal_url: str) -> Message:
    return Message(
        template="entry_receipt",
        recipient=p.submitter.email,
        language=p.submitter.language,
        context={
            "name": p.submitter.display_name,
            "code": p.code,
            "title": p.title,
            "category": p.category_name,
            "submitted_at": local_datetime(p.submitted_at),
            "files": len(p.files),
            "portal_url": portal_url,
        },
    )


def account_message(p: AccountEmailRequestedPayload) -> Message:
    language = supported_language(p.language)
    return Message(
        template=ACCOUNT_TEMPLATES[p.purpose],
        recipient=p.email,
        language=language,
        context={
            "name": p.display_name,
            "link": absolute_link(p.link),
            "expires_at": local_datetime(p.expires_at, language),
            "roles": role_names(p.roles, language),
        },
    )


def screening_message(p: EntryScreenedPayload, portal_url: str) -> Message:
    language = supported_language(p.submitter.language)
    # Only an accepted entry carries its (anonymised) content, title included.
    title = p.entry.title if p.entry is not None else None
    return Message(
        template=SCREENING_TEMPLATES[p.decision],
        recipient=p.submitter.email,
        language=language,
        context={
            "name": p.submitter.display_name,
            "code": p.code,
            "title": title,
            "reason": (p.reason or "").strip() or None,
            "decided_at": local_datetime(p.decided_at, language),
            "entries_url": entries_url(portal_url),
        },
    )


def withdrawal_message(p: EntryWithdrawnPayload, portal_url: str) -> Message:
    language = supported_language(p.submitter.language)
    return Message(
        template="entry_withdrawn",
        recipient=p.submitter.email,
        language=language,
        context={
            "name": p.submitter.display_name,
            "code": p.code,
            "title": p.title,
            "withdrawn_at": local_datetime(p.withdrawn_at, language),
            "entries_url": entries_url(portal_url),
        },
    )


def juror_assigned_message(p: JurorAssignedPayload) -> Message:
    """Tell a juror their entries of a round are ready to score, and by when."""
    language = supported_language(p.language)
    return Message(
        template="juror_assigned",
        recipient=p.email,
        language=language,
        context={
            "name": p.display_name,
            "contest_title": p.contest_title,
            "round_name": p.round_name,
            "assigned": p.assigned,
            "deadline": local_datetime(p.deadline, language),
            "link": absolute_link(p.link),
        },
    )


def juror_reminder_message(p: JurorReminderRequestedPayload) -> Message:
    """Remind a juror how many entries they still have to submit before the deadline."""
    language = supported_language(p.language)
    return Message(
        template="juror_reminder",
        recipient=p.email,
        language=language,
        context={
            "name": p.display_name,
            "contest_title": p.contest_title,
            "round_name": p.round_name,
            "remaining": p.remaining,
            "total": p.total,
            "deadline": local_datetime(p.deadline, language),
            "link": absolute_link(p.link),
            "note": p.note.strip() or None,
        },
    )
