"""Signed webhooks, the pure part: what a body looks like, how it is signed and checked, which
answers count as delivered, and which URLs an organizer may register.

The signature follows the common ``t=<unix seconds>,v1=<hex HMAC-SHA256>`` scheme over
``f"{t}." + body``: the timestamp is signed with the body, so a captured request cannot be
replayed later than the receiver's tolerance.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

TOPICS: tuple[str, ...] = (
    "entry_submitted",
    "entry_screened",
    "entry_withdrawn",
    "juror_assigned",
    "results_approved",
    "entry_published",
    "announcement",
    "ping",
)

SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE_SECONDS = 300
MAX_URL_LENGTH = 2000
SECRET_PREFIX = "whsec_"

StatusClass = Literal["delivered", "temporary", "permanent"]
# Worth another try: the receiver timed out, is not ready yet, or asks us to slow down.
TEMPORARY_4XX = frozenset({408, 425, 429})


class InvalidWebhook(ValueError):
    """A webhook setting an organizer gave cannot be used; the message says why (vi / en)."""


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return _iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable in a webhook body: {type(value).__name__}")


def _iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given where UTC is required")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def body_of(
    delivery_id: str,
    event_id: str,
    topic: str,
    contest_id: str | None,
    occurred_at: datetime,
    data: Mapping[str, Any],
) -> bytes:
    """The JSON a receiver gets: compact and with sorted keys, so the same delivery always has
    the same bytes (and the same signature for the same timestamp)."""
    document = {
        "delivery_id": delivery_id,
        "event_id": event_id,
        "topic": topic,
        "contest_id": contest_id,
        "occurred_at": _iso_utc(occurred_at),
        "data": dict(data),
    }
    text = json.dumps(
        document,
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=_json_default,
    )
    return text.encode("utf-8")


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Lantoa-Signature header value for ``body`` sent at ``timestamp``."""
    return f"t={timestamp},{SIGNATURE_VERSION}={_digest(secret, timestamp, body)}"


def _parse_signature(header: str) -> tuple[int, list[str]] | None:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            if not value.isdigit() or timestamp is not None:
                return None
            timestamp = int(value)
        elif key == SIGNATURE_VERSION:
            signatures.append(value)
    if timestamp is None or not signatures:
        return None
    return timestamp, signatures


def verify(
    secret: str,
    header: str,
    body: bytes,
    now: datetime,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and its timestamp is within
    ``tolerance`` seconds of ``now`` (either side). Several v1 values are accepted, so a
    sender may sign with an old and a new secret while they are rotated."""
    parsed = _parse_signature(header)
    if parsed is None:
        return False
    timestamp, signatures = parsed
    if abs(now.timestamp() - timestamp) > tolerance:
        return False
    expected = _digest(secret, timestamp, body)
    # Compare against every candidate, without stopping early, in constant time each.
    matches = [hmac.compare_digest(expected, candidate) for candidate in signatures]
    return any(matches)


def classify_status(code: int) -> StatusClass:
    """2xx is delivered; 408, 425, 429 and 5xx are worth another try; anything else (other
    4xx, and 3xx since redirects are not followed) will not get better by retrying."""
    if 200 <= code < 300:
        return "delivered"
    if code in TEMPORARY_4XX or 500 <= code < 600:
        return "temporary"
    return "permanent"


def validate_url(url: str) -> str:
    """The URL, trimmed, if a webhook may be sent to it; InvalidWebhook otherwise."""
    candidate = url.strip()
    if not candidate:
        raise InvalidWebhook("Chưa nhập địa chỉ webhook / the webhook URL is empty")
    if len(candidate) > MAX_URL_LENGTH:
        raise InvalidWebhook(
            f"Địa chỉ webhook dài quá {MAX_URL_LENGTH} ký tự "
            f"/ the webhook URL is longer than {MAX_URL_LENGTH} characters"
        )
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in candidate):
        raise InvalidWebhook(
            "Địa chỉ webhook không được chứa khoảng trắng hay ký tự điều khiển "
            "/ the webhook URL must not contain spaces or control characters"
        )
    parts = urlsplit(candidate)
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidWebhook(
            "Địa chỉ webhook phải là URL đầy đủ bắt đầu bằng http:// hoặc https:// "
            "/ the webhook URL must be an absolute http:// or https:// URL"
        )
    if "@" in parts.netloc:
        raise InvalidWebhook(
            "Địa chỉ webhook không được chứa tên đăng nhập hay mật khẩu "
            "/ the webhook URL must not contain credentials"
        )
    if not parts.hostname:
        raise InvalidWebhook("Địa chỉ webhook thiếu tên máy chủ / the webhook URL has no host")
    try:
        _ = parts.port  # raises on a port out of range or not a number
    except ValueError as error:
        raise InvalidWebhook(
            "Cổng trong địa chỉ webhook không hợp lệ / the webhook URL has an invalid port"
        ) from error
    if "#" in candidate:
        raise InvalidWebhook(
            "Địa chỉ webhook không được có phần # (fragment) "
            "/ the webhook URL must not have a fragment"
        )
    return candidate


def validate_topics(topics: Iterable[str]) -> tuple[str, ...]:
    """The distinct topics in the order of TOPICS; empty means every topic."""
    chosen = {topic.strip() for topic in topics}
    unknown = sorted(chosen.difference(TOPICS))
    if unknown:
        raise InvalidWebhook(
            f"Không có loại sự kiện {', '.join(unknown)}; chọn trong {', '.join(TOPICS)} "
            f"/ unknown topics {', '.join(unknown)}; choose from {', '.join(TOPICS)}"
        )
    return tuple(topic for topic in TOPICS if topic in chosen)


def topics_text(topics: Iterable[str]) -> str:
    """How topics are kept in the webhooks table: comma separated, empty for all."""
    return ",".join(topics)


def topics_of(text: str) -> tuple[str, ...]:
    return tuple(topic for topic in text.split(",") if topic)


def subscribes_to(text: str, topic: str) -> bool:
    """Whether a webhook with stored topics ``text`` wants ``topic`` (empty = every topic)."""
    topics = topics_of(text)
    return not topics or topic in topics


def new_secret() -> str:
    """A fresh signing secret: 256 random bits, recognisable by its prefix if it leaks."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


INTERNAL_ADDRESS = (
    "Webhook trỏ vào địa chỉ nội bộ ({address}), không được phép / "
    "the webhook points at an internal address ({address}), which is not allowed"
)
