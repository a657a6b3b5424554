"""Reading the mail catcher's Maildir for the /mail page: the newest messages' headers, and one
message's headers, text, HTML and the links of its text. Bounded: only the newest messages are
ever listed, and a key must name a file that is really in the Maildir."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

NEWEST = 500
# Python's Maildir names a file "<time>.<unique>.<host>" (":2,<flags>" once read).
_KEY = re.compile(r"^[A-Za-z0-9._\-=,]+$")
_LINK = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?)]}»”’"
MAIN_HEADERS = ("From", "To", "Cc", "Subject", "Date")


@dataclass(frozen=True)
class MailSummary:
    key: str
    subject: str
    to: str
    sender: str
    date: datetime | None


@dataclass(frozen=True)
class MailView:
    key: str
    subject: str
    headers: list[tuple[str, str]]
    text: str
    html: str | None
    links: list[str]
    date: datetime | None


def _files(maildir: Path) -> list[tuple[str, Path]]:
    """(key, path) of every message in new/ and cur/."""
    found: list[tuple[str, Path]] = []
    for sub in ("new", "cur"):
        folder = maildir / sub
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.is_file() and not path.name.startswith("."):
                found.append((path.name.split(":", 1)[0], path))
    return found


def _moment(value: str | None, fallback: float | None = None) -> datetime | None:
    if value:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.fromtimestamp(fallback, UTC) if fallback is not None else None


def _header(message: EmailMessage, name: str) -> str:
    value = message.get(name)
    return str(value) if value is not None else ""


def list_messages(maildir: Path, limit: int = NEWEST) -> list[MailSummary]:
    """The newest ``limit`` messages (by arrival), newest first; only their headers are read."""
    stamped = []
    for key, path in _files(maildir):
        try:
            stamped.append((path.stat().st_mtime, key, path))
        except FileNotFoundError:  # moved from new/ to cur/ meanwhile
            continue
    stamped.sort(key=lambda item: (item[0], item[1]), reverse=True)
    summaries: list[MailSummary] = []
    parser = BytesHeaderParser(policy=policy.default)
    for mtime, key, path in stamped[:limit]:
        try:
            with path.open("rb") as handle:
                headers = parser.parse(handle)
        except FileNotFoundError:
            continue
        assert isinstance(headers, EmailMessage)
        summaries.append(
            MailSummary(
                key=key,
                subject=_header(headers, "Subject"),
                to=_header(headers, "To") or _header(headers, "X-Envelope-To"),
                sender=_header(headers, "From"),
                date=_moment(_header(headers, "Date"), mtime),
            )
        )
    return summaries


def _part(message: EmailMessage, subtype: str) -> str | None:
    body = message.get_body(preferencelist=(subtype,))
    if body is None or body.get_content_type() != f"text/{subtype}":
        return None
    content = body.get_content()
    return content if isinstance(content, str) else None


def links_in(text: str) -> list[str]:
    """The http(s) links of a text, in order, each once, without the punctuation after it."""
    seen: dict[str, None] = {}
    for match in _LINK.finditer(text):
        seen.setdefault(match.group(0).rstrip(_TRAILING), None)
    return [link for link in seen if len(link) > len("https://")]


def read_message(maildir: Path, key: str) -> MailView | None:
    """One message by its Maildir key; None when there is no such message."""
    if not _KEY.match(key):
        return None
    path = next((p for k, p in _files(maildir) if k == key), None)
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            message = BytesParser(policy=policy.default).parse(handle)
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    assert isinstance(message, EmailMessage)
    text = _part(message, "plain") or ""
    return MailView(
        key=key,
        subject=_header(message, "Subject"),
        headers=[(name, str(value)) for name, value in message.items()],
        text=text,
        html=_part(message, "html"),
        links=links_in(text),
        date=_moment(_header(message, "Date"), mtime),
    )
