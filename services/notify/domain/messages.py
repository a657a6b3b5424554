"""What each event tells its reader: the template, the recipient and the values shown.

Pure functions of the event payload, so every message can be checked without a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from shared.contracts.judging import (
    JurorAssignedPayload,
    JurorReminderRequestedPayload,
    ResultsApprovedPayload,
)
from shared.contracts.publish import PublicationPayload
from shared.contracts.submissions import (
    AccountEmailPurpose,
    AccountEmailRequestedPayload,
    EntryScreenedPayload,
    EntrySubmittedPayload,
    EntryWithdrawnPayload,
    ScreeningDecision,
)

from .formatting import local_datetime, money
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
    """What one person is told; the channels (e-mail, Zalo) are chosen when it is queued."""

    template: str
    recipient: str  # e-mail address
    language: str
    context: dict[str, Any]
    name: str = ""
    phone: str = ""  # as typed; checked when a Zalo message is planned


@dataclass(frozen=True)
class ContestantEntry:
    """An entry as notify knows it, with the person who submitted it."""

    entry_id: str
    code: str
    title: str
    category: str
    email: str
    name: str
    language: str = "vi"
    phone: str = ""


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
        name=p.submitter.display_name,
        phone=p.submitter.phone,
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
        name=p.display_name,
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
        name=p.submitter.display_name,
        phone=p.submitter.phone,
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
        name=p.submitter.display_name,
        phone=p.submitter.phone,
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
        name=p.display_name,
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
        name=p.display_name,
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


def results_messages(
    p: ResultsApprovedPayload, entries: Sequence[ContestantEntry], results_url: str
) -> list[Message]:
    """One message per contestant: the awards they won with tier and prize, or thanks.

    ``entries`` are every entry submitted and not withdrawn; a winner missing from them (an
    entry notify never heard of) is still congratulated through its authors' addresses."""
    winners = {w.entry_id: w for w in p.winners}
    people: dict[str, list[ContestantEntry]] = {}
    for entry in entries:
        people.setdefault(entry.email.lower(), []).append(entry)
    known = {e.entry_id for e in entries}
    for w in p.winners:
        if w.entry_id not in known:
            for author in w.authors:
                if author.email:
                    people.setdefault(author.email.lower(), []).append(
                        ContestantEntry(
                            entry_id=w.entry_id,
                            code=w.code,
                            title=w.title,
                            category=w.category_name,
                            email=author.email.lower(),
                            name=author.full_name,
                        )
                    )
    messages: list[Message] = []
    for email, own in sorted(people.items()):
        first = own[0]
        language = supported_language(first.language)
        awards = [
            {
                "code": e.code,
                "title": e.title,
                "category": e.category,
                "tier": winners[e.entry_id].tier_name,
                "prize": money(winners[e.entry_id].prize_vnd, language),
            }
            for e in own
            if e.entry_id in winners
        ]
        others = [
            {"code": e.code, "title": e.title, "category": e.category}
            for e in own
            if e.entry_id not in winners
        ]
        context: dict[str, Any] = {
            "name": first.name,
            "contest_title": p.contest_title,
            "results_url": results_url,
            "organizer": "",
        }
        if awards:
            template = "results_winner"
            context.update(awards=awards, others=others)
        else:
            template = "results_thanks"
            context.update(entries=others)
        messages.append(
            Message(
                template=template,
                recipient=email,
                language=language,
                context=context,
                name=first.name,
                phone=first.phone,
            )
        )
    return messages


def published_message(p: PublicationPayload, entry: ContestantEntry) -> Message:
    """Tell the author where their work now runs."""
    language = supported_language(entry.language)
    return Message(
        template="entry_published",
        recipient=entry.email,
        language=language,
        name=entry.name,
        phone=entry.phone,
        context={
            "name": entry.name,
            "code": entry.code,
            "title": entry.title,
            "outlet": p.outlet_name,
            "url": absolute_link(p.url) if p.url else None,
            "published_at": local_datetime(p.at, language),
        },
    )


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str = "vi"
    phone: str = ""


def announcement_messages(
    recipients: Sequence[Recipient],
    *,
    contest_title: str,
    organizer: str,
    subject: str,
    body: str,
) -> list[Message]:
    """The organizer's words, as paragraphs (they are escaped when rendered, never markup)."""
    paragraphs = [part.strip() for part in body.replace("\r\n", "\n").split("\n\n")]
    paragraphs = [part for part in paragraphs if part]
    seen: set[str] = set()
    messages: list[Message] = []
    for person in recipients:
        email = person.email.lower()
        if email in seen:
            continue
        seen.add(email)
        messages.append(
            Message(
                template="announcement",
                recipient=email,
                language=supported_language(person.language),
                name=person.name,
                phone=person.phone,
                context={
                    "name": person.name,
                    "contest_title": contest_title,
                    "organizer": organizer,
                    "subject": subject,
                    "paragraphs": paragraphs,
                },
            )
        )
    return messages
