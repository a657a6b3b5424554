"""Vietnamese mobile numbers as Zalo wants them: 84 followed by the nine national digits."""

from __future__ import annotations

import re

# Three-digit mobile prefixes (with the leading 0) in use since the 2018 renumbering:
# Viettel 032-039, 086, 096-098; VinaPhone 081-085, 088, 091, 094; MobiFone 070, 076-079, 089,
# 090, 093; Vietnamobile 052, 056, 058, 092; Gmobile 059, 099; Reddi 055; iTel 087.
MOBILE_PREFIXES = frozenset(
    {f"03{d}" for d in "23456789"}
    | {"052", "055", "056", "058", "059"}
    | {"070", "076", "077", "078", "079"}
    | {f"08{d}" for d in "123456789"}
    | {f"09{d}" for d in "0123456789"}
)

# Separators people write between digit groups; anything else is not a phone number.
SEPARATORS = re.compile(r"[\s.\-()/]")


class InvalidPhone(ValueError):
    """The text is not a Vietnamese mobile number; the message says why (vi / en)."""


def normalize_vn_phone(raw: str) -> str:
    """ "0912 345 678", "+84 912.345.678", "0084912345678", "84912345678" → "84912345678"."""
    text = SEPARATORS.sub("", raw or "")
    if not text:
        raise InvalidPhone("Chưa có số điện thoại / no phone number given")
    international = text.startswith("+")
    if international:
        text = text[1:]
    if not text.isdigit() or not text.isascii():
        raise InvalidPhone(
            "Số điện thoại chỉ gồm chữ số, có thể có dấu + ở đầu "
            f"({raw!r}) / a phone number has only digits, with an optional leading +"
        )
    if text.startswith("00"):
        international, text = True, text[2:]
    national = _national(text, international, raw)
    if national.startswith("02"):  # landlines have 11 digits: say what is wrong with them
        raise InvalidPhone(
            f"{raw!r} là số máy bàn, Zalo ZNS cần số di động "
            f"/ {raw!r} is a landline, Zalo ZNS needs a mobile number"
        )
    if len(national) != 10:
        raise InvalidPhone(
            f"Số di động Việt Nam có 10 chữ số kể cả số 0 đầu, {raw!r} có {len(national)} "
            f"/ a Vietnamese mobile number has 10 digits with the leading 0, {raw!r} has "
            f"{len(national)}"
        )
    prefix = national[:3]
    if prefix not in MOBILE_PREFIXES:
        raise InvalidPhone(
            f"Đầu số {prefix} không phải đầu số di động Việt Nam "
            f"/ {prefix} is not a Vietnamese mobile prefix"
        )
    return "84" + national[1:]


def _national(digits: str, international: bool, raw: str) -> str:
    """The number as written inside Vietnam: 0 and nine digits."""
    if international or (digits.startswith("84") and len(digits) == 11):
        if not digits.startswith("84"):
            raise InvalidPhone(
                f"Chỉ nhận số di động Việt Nam (+84), không nhận {raw!r} "
                f"/ only Vietnamese mobile numbers (+84) are accepted, not {raw!r}"
            )
        rest = digits[2:]
        # "+84 0912…" is a common slip: the trunk 0 does not belong after the country code.
        return rest if rest.startswith("0") else "0" + rest
    if digits.startswith("0"):
        return digits
    if len(digits) == 9:
        return "0" + digits  # a spreadsheet dropped the leading 0
    return digits
