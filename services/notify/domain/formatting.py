"""Dates and times as Vietnamese readers expect them: dd/mm/yyyy in Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local_datetime(value: datetime) -> str:
    return value.astimezone(VIETNAM).strftime("%H:%M ngày %d/%m/%Y")
