"""Delivery status notifications read into what notify needs: which delivery a report is about,
and what became of the message at each recipient.

Standard reports are RFC 3464 ``message/delivery-status`` parts inside an RFC 6522
``multipart/report``; the common non-standard bounces (a plain "Undelivered Mail Returned to
Sender" with the returned headers) are recognised loosely. Anyone on the internet can send us a
"bounce": only the first MAX_REPORT_BYTES are read, nothing here raises on malformed input, and
every value kept is short and printable.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email import message_from_bytes, message_from_string, policy
from email.header import decode_header, make_header
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import Message
from typing import Any

MAX_REPORT_BYTES = 1 << 20
MAX_RECIPIENTS = 50
MAX_DIAGNOSTIC = 300
MAX_ADDRESS = 320
# Parsing takes time per MIME part; a report has a handful, the rest is not read.
MAX_MIME_BOUNDARIES = 40
MAX_BLANK_LINES = 500
HEADER_VALUE_LIMIT = 256

ACTIONS = frozenset({"failed", "delayed", "delivered", "relayed", "expanded"})
STATUS_PARTS = frozenset({"message/delivery-status", "message/global-delivery-status"})
HEADER_PARTS = frozenset({"text/rfc822-headers", "message/global-headers"})
MESSAGE_PARTS = frozenset({"message/rfc822", "message/global"})

DELIVERY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
STATUS_CODE = re.compile(r"(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])")
PERMANENT_CODE = re.compile(r"(?<![\d.])(5\.\d{1,3}\.\d{1,3})(?![\d.])")
ANGLE_ADDRESS = re.compile(r"<([^<>\s@]{1,64}@[^<>\s@]{1,255})>")
XTEXT_ESCAPE = re.compile(r"\+([0-9A-Fa-f]{2})")
# Where the returned message starts inside a plain-text bounce.
RETURNED_HEADERS_START = re.compile(
    r"^(return-path|received|dkim-signature|message-id|x-lantoa-delivery):", re.I | re.M
)
INLINE_DELIVERY = re.compile(r"^x-lantoa-delivery:[ \t]*(\S+)", re.I | re.M)
INLINE_MESSAGE_ID = re.compile(r"^message-id:[ \t]*(<[^<>\s]+>)", re.I | re.M)
BOUNCE_SUBJECT = re.compile(
    r"undeliver|returned (mail|to sender)|delivery (status notification|failure|has failed)"
    r"|mail delivery failed|failure notice|non-?delivery|could not be delivered",
    re.I,
)
BOUNCE_SENDER = re.compile(r"mailer-daemon|mail delivery (subsystem|system)|postmaster", re.I)


class _BoundedHeaders(HeaderRegistry):
    """Parsing a structured header takes time superlinear in its length: parse no more than
    HEADER_VALUE_LIMIT characters of any (real ones are far shorter)."""

    def __call__(self, name: str, value: Any) -> BaseHeader:
        return super().__call__(name, str(value)[:HEADER_VALUE_LIMIT])


# The stdlib's default policy, with bounded header parsing.
POLICY = policy.default.clone(header_factory=_BoundedHeaders())


@dataclass(frozen=True)
class RecipientStatus:
    recipient: str
    action: str  # failed | delayed | delivered | relayed | expanded
    status: str  # x.y.z, or "" when the report gave none
    diagnostic: str
    permanent: bool  # failed with a class 5 status: trying again cannot help


@dataclass(frozen=True)
class BounceReport:
    delivery_id: str | None
    recipients: tuple[RecipientStatus, ...]


def parse_report(raw: bytes, bounce_domain: str, rcpt_to: str | None = None) -> BounceReport | None:
    """The report in ``raw``, or None when it is not a bounce we can read.

    ``rcpt_to`` is the envelope recipient the report was sent to (our VERP address); it names
    the delivery more reliably than anything inside the message, which the remote side wrote.
    """
    try:
        message = message_from_bytes(_bounded(bytes(raw[:MAX_REPORT_BYTES])), policy=POLICY)
        if _other_report(message):
            return None
        return _standard(message, bounce_domain, rcpt_to) or _loose(message, bounce_domain, rcpt_to)
    except Exception:  # a defect in hostile input must never reach the SMTP session
        return None


def _bounded(data: bytes) -> bytes:
    """``data`` cut before its MAX_MIME_BOUNDARIES-th possible MIME boundary or its
    MAX_BLANK_LINES-th blank line, whichever comes first: each starts something the parser
    spends time on (a part, a delivery-status block), and a report needs only a few."""
    return data[: min(_nth(data, b"\n--", MAX_MIME_BOUNDARIES), _nth_blank(data))]


def _nth(data: bytes, needle: bytes, n: int) -> int:
    position = -1
    for _ in range(n):
        position = data.find(needle, position + 1)
        if position < 0:
            return len(data)
    return position + 1


def _nth_blank(data: bytes) -> int:
    blanks = re.finditer(rb"\n\r?\n", data)
    for count, found in enumerate(blanks, start=1):
        if count == MAX_BLANK_LINES:
            return found.start() + 1
    return len(data)


def decisive_status(report: BounceReport, recipient: str | None) -> RecipientStatus | None:
    """The recipient status that settles a delivery: the one about ``recipient`` when the
    report names it, and among several the gravest (a permanent failure first)."""
    wanted = (recipient or "").strip().lower()
    candidates = [r for r in report.recipients if r.recipient.lower() == wanted]
    return min(candidates or report.recipients, key=_gravity, default=None)


def _gravity(status: RecipientStatus) -> int:
    if status.action == "failed":
        return 0 if status.permanent else 1
    return {"delayed": 2, "delivered": 3}.get(status.action, 4)


# Standard reports


def _other_report(message: Message) -> bool:
    """A report of another kind, e.g. an abuse report or a read receipt: never a bounce."""
    if message.get_content_type() != "multipart/report":
        return False
    return str(message.get_param("report-type", "delivery-status")).lower() != "delivery-status"


def _standard(message: Message, domain: str, rcpt_to: str | None) -> BounceReport | None:
    if message.get_content_type() != "multipart/report":
        return None
    parts = message.get_payload()
    if not isinstance(parts, list):
        return None
    recipients: list[RecipientStatus] = []
    envelope_id: str | None = None
    for part in parts:
        if not isinstance(part, Message) or part.get_content_type() not in STATUS_PARTS:
            continue
        for block in _status_blocks(part):
            envelope_id = envelope_id or _envelope_id(block, domain)
            status = _recipient_status(block)
            if status is not None and len(recipients) < MAX_RECIPIENTS:
                recipients.append(status)
    if not recipients:
        return None
    delivery_id = (
        _verp_id(rcpt_to, domain) or _returned_id(_returned_headers(parts), domain) or envelope_id
    )
    return BounceReport(delivery_id, tuple(recipients))


def _status_blocks(part: Message) -> list[Message]:
    """The field groups of a delivery-status part: one per message, then one per recipient."""
    payload = part.get_payload()
    encoding = (_header(part, "Content-Transfer-Encoding") or "").strip().lower()
    if isinstance(payload, list) and encoding not in ("base64", "quoted-printable"):
        return [block for block in payload[: MAX_RECIPIENTS + 1] if isinstance(block, Message)]
    # Encoded (some MTAs do that) or not split by the parser: decode, then split ourselves.
    if isinstance(payload, list):
        encoded = "\n".join(str(b.get_payload()) for b in payload if isinstance(b, Message))
    else:
        encoded = str(payload)
    text = _decode_transfer(encoded, encoding)
    blocks = [b for b in re.split(r"\r?\n[ \t]*\r?\n", text) if b.strip()]
    return [
        message_from_string(b.strip() + "\n", policy=POLICY) for b in blocks[: MAX_RECIPIENTS + 1]
    ]


def _decode_transfer(encoded: str, encoding: str) -> str:
    data = encoded.encode("ascii", "replace")
    if encoding == "base64":
        try:
            data = base64.b64decode(b"".join(data.split()))
        except (binascii.Error, ValueError):
            return ""
    elif encoding == "quoted-printable":
        data = quopri.decodestring(data)
    return data.decode("utf-8", "replace")


def _recipient_status(block: Message) -> RecipientStatus | None:
    words = (_header(block, "Action") or "").split()
    action = words[0].lower() if words else ""
    if action not in ACTIONS:
        return None
    recipient = _typed_value(_header(block, "Final-Recipient") or "") or _typed_value(
        _header(block, "Original-Recipient") or ""
    )
    diagnostic = _clean(_typed_value(_header(block, "Diagnostic-Code") or ""), MAX_DIAGNOSTIC)
    status_field = (_header(block, "Status") or "").strip()
    found = STATUS_CODE.match(status_field) or STATUS_CODE.search(diagnostic)
    status = found.group(1) if found else ""
    return RecipientStatus(
        recipient=_clean(recipient.strip("<> "), MAX_ADDRESS),
        action=action,
        status=status,
        diagnostic=diagnostic,
        permanent=action == "failed" and status.startswith("5."),
    )


def _typed_value(value: str) -> str:
    """``rfc822; someone@example.com`` → ``someone@example.com`` (the type is not needed)."""
    _, separator, rest = value.partition(";")
    return (rest if separator else value).strip()


def _envelope_id(block: Message, domain: str) -> str | None:
    value = _header(block, "Original-Envelope-Id")
    if not value:
        return None
    # xtext (RFC 3461): "+2B" stands for "+".
    value = XTEXT_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value.strip())
    return _verp_id(value, domain) or _message_id(value, domain) or _valid_id(value)


# Non-standard bounces


def _loose(message: Message, domain: str, rcpt_to: str | None) -> BounceReport | None:
    sender = _decoded(_header(message, "From") or "")
    subject = _decoded(_header(message, "Subject") or "")
    if not (BOUNCE_SENDER.search(sender) or BOUNCE_SUBJECT.search(subject)):
        return None
    text = "\n".join(_human_texts(message))
    start = RETURNED_HEADERS_START.search(text)
    human, returned = (text[: start.start()], text[start.start() :]) if start else (text, "")
    code = PERMANENT_CODE.search(human)
    if code is None:
        return None
    line_start = human.rfind("\n", 0, code.start()) + 1
    line_end = human.find("\n", code.end())
    diagnostic = _clean(human[line_start : line_end if line_end >= 0 else None], MAX_DIAGNOSTIC)
    attached = _returned_headers(_parts(message))
    address = ANGLE_ADDRESS.search(human)
    recipient = address.group(1) if address else _attached_recipient(attached)
    delivery_id = (
        _verp_id(rcpt_to, domain) or _returned_id(attached, domain) or _inline_id(returned, domain)
    )
    status = RecipientStatus(
        recipient=_clean(recipient, MAX_ADDRESS),
        action="failed",
        status=code.group(1),
        diagnostic=diagnostic,
        permanent=True,
    )
    return BounceReport(delivery_id, (status,))


def _human_texts(message: Message) -> Iterator[str]:
    """The text/plain parts written by the reporting MTA (not those of a returned message)."""
    for part in _parts(message):
        if part.get_content_type() == "text/plain":
            yield _text_of(part)


def _parts(message: Message) -> list[Message]:
    """Every leaf and message/* part, without descending into returned messages."""
    found: list[Message] = []
    stack = [message]
    while stack and len(found) < 100:
        part = stack.pop()
        payload = part.get_payload()
        if part.get_content_maintype() == "multipart" and isinstance(payload, list):
            stack.extend(reversed([p for p in payload if isinstance(p, Message)]))
        else:
            found.append(part)
    return found


def _inline_id(returned: str, domain: str) -> str | None:
    header = INLINE_DELIVERY.search(returned)
    if header and (found := _valid_id(header.group(1))):
        return found
    message_id = INLINE_MESSAGE_ID.search(returned)
    return _message_id(message_id.group(1), domain) if message_id else None


def _attached_recipient(attached: list[Message]) -> str:
    for headers in attached:
        address = ANGLE_ADDRESS.search(f"<{(_header(headers, 'To') or '').strip('<> ')}>")
        if address:
            return address.group(1)
    return ""


# The returned message and the delivery id


def _returned_headers(parts: Sequence[object]) -> list[Message]:
    """The headers of the message we sent, as returned in the report."""
    found: list[Message] = []
    for part in parts:
        if not isinstance(part, Message):
            continue
        kind = part.get_content_type()
        if kind in MESSAGE_PARTS:
            inner = part.get_payload()
            if isinstance(inner, list):
                found.extend(m for m in inner[:1] if isinstance(m, Message))
        elif kind in HEADER_PARTS:
            text = _text_of(part)
            found.append(message_from_string(text.strip() + "\n", policy=POLICY))
    return found


def _returned_id(returned: list[Message], domain: str) -> str | None:
    for headers in returned:
        found = _valid_id(_header(headers, "X-Lantoa-Delivery") or "")
        if found:
            return found
        found = _message_id(_header(headers, "Message-ID") or "", domain)
        if found:
            return found
    return None


def _verp_id(address: str | None, domain: str) -> str | None:
    """``bounce+<id>@<domain>`` → ``<id>``."""
    local, at, address_domain = (address or "").strip().strip("<>").rpartition("@")
    if not at or address_domain.lower() != domain.lower():
        return None
    if not local.lower().startswith("bounce+"):
        return None
    return _valid_id(local[len("bounce+") :])


def _message_id(value: str, domain: str) -> str | None:
    """``<id@domain>``, the Message-ID notify gives every e-mail → ``id``."""
    found = re.fullmatch(r"\s*<([^<>@\s]+)@([^<>@\s]+)>\s*", value)
    if found is None or found.group(2).lower() != domain.lower():
        return None
    return _valid_id(found.group(1))


def _valid_id(value: str) -> str | None:
    value = value.strip()
    return value if DELIVERY_ID.fullmatch(value) else None


# Reading hostile messages safely


def _header(message: Message, name: str) -> str | None:
    """A header's raw, unfolded value; no structured parsing of what a stranger wrote."""
    wanted = name.lower()
    for key, value in message.raw_items():
        if key.lower() == wanted:
            # 8-bit bytes in a header arrive as surrogate escapes: read them as UTF-8.
            text = str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            return re.sub(r"\r?\n[ \t]+", " ", text)[:2000]
    return None


def _decoded(value: str) -> str:
    """RFC 2047 encoded words (``=?utf-8?q?...?=``) decoded, when they decode."""
    try:
        return str(make_header(decode_header(value)))
    except Exception:
        return value


def _text_of(part: Message) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, "replace")
    except LookupError:  # a charset Python does not know
        return data.decode("utf-8", "replace")


def _clean(text: str, limit: int) -> str:
    """One printable line of at most ``limit`` characters."""
    printable = "".join(c if c.isprintable() else " " for c in text)
    line = " ".join(printable.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
