"""Outlets, the pure part: which addresses an organizer may give, which winners an outlet takes,
and what a configuration must have before it is saved."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

MAX_NAME = 200
MAX_ADDRESS = 2000
MAX_CATEGORIES = 50

ADDRESS_SCHEME = (
    "Địa chỉ phải bắt đầu bằng http:// hoặc https:// / "
    "the address must start with http:// or https://"
)
ADDRESS_HOST = "Địa chỉ thiếu tên máy chủ / the address has no host name"
ADDRESS_USER = (
    "Không ghi tên đăng nhập hay mật khẩu vào địa chỉ; hãy dùng các ô bí mật / "
    "no user name or password in the address; use the secret fields"
)
ADDRESS_LONG = "Địa chỉ quá dài / the address is too long"
ADDRESS_INTERNAL = (
    "Địa chỉ trỏ vào mạng nội bộ ({address}), không được phép / "
    "the address points at an internal network ({address}), which is not allowed"
)
NAME_NEEDED = "Cần có tên kênh (tối đa 200 ký tự) / the outlet needs a name (up to 200 characters)"
UNKNOWN_KIND = "Không có loại kênh này / no such kind of outlet"
BAD_CATEGORY = "Mã thể loại không hợp lệ: {code} / invalid category code: {code}"


def _internal_literal(host: str) -> bool:
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return host.lower() == "localhost" or host.lower().endswith(".localhost")
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def address_problems(url: str, allow_private: bool) -> list[str]:
    """What is wrong with an outlet's address as written (the host's resolved addresses are
    checked apart, when saved and before each call)."""
    if len(url) > MAX_ADDRESS:
        return [ADDRESS_LONG]
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        return [ADDRESS_SCHEME]
    if parts.scheme.lower() not in ("http", "https"):
        return [ADDRESS_SCHEME]
    if not parts.hostname:
        return [ADDRESS_HOST]
    if parts.username is not None or parts.password is not None:
        return [ADDRESS_USER]
    if not allow_private and _internal_literal(parts.hostname):
        return [ADDRESS_INTERNAL.format(address=parts.hostname)]
    return []


def url_settings(settings: Mapping[str, Any]) -> list[str]:
    """The settings that are addresses too (named ``…_url``): checked like the address."""
    return [str(v) for k, v in settings.items() if k.endswith("_url") and v]


def normalise_categories(codes: Iterable[str]) -> list[str]:
    """Category codes, trimmed, upper-case, each once, in the given order."""
    seen: list[str] = []
    for code in codes:
        c = code.strip().upper()
        if c and c not in seen:
            seen.append(c)
    return seen


def category_problems(codes: Sequence[str]) -> list[str]:
    if len(codes) > MAX_CATEGORIES:
        return [BAD_CATEGORY.format(code="…")]
    return [
        BAD_CATEGORY.format(code=c)
        for c in codes
        if not (1 <= len(c) <= 16 and c.replace("-", "").replace("_", "").isalnum())
    ]


def takes_category(categories: Sequence[str], category_code: str) -> bool:
    """An outlet with no categories takes every category."""
    return not categories or category_code.upper() in categories


def name_problems(name: str) -> list[str]:
    return [] if 1 <= len(name.strip()) <= MAX_NAME else [NAME_NEEDED]


def credentials_given(credentials: Mapping[str, str]) -> dict[str, str]:
    """Only the credentials actually typed: a blank field keeps what was stored."""
    return {k: v for k, v in credentials.items() if isinstance(v, str) and v.strip()}
