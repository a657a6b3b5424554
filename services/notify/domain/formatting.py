"""Dates and times as Vietnamese readers expect them: dd/mm/yyyy in Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local_datetime(value: datetime, language: str = "vi") -> str:
    """Vietnam's local time; English readers are told which clock it is (they may be abroad)."""
    local = value.astimezone(VIETNAM)
    if language == "en":
        return local.strftime("%d/%m/%Y %H:%M (Vietnam time)")
    return local.strftime("%H:%M ngày %d/%m/%Y")


def money(amount: int, language: str = "vi") -> str:
    """``10.000.000 đ``; ``10,000,000 VND`` in English."""
    if language == "en":
        return f"{amount:,} VND"
    return f"{amount:,} đ".replace(",", ".")
