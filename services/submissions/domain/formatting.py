"""How the contest's facts are written for people: local times, dates, durations, sizes,
language and media names (Vietnamese first)."""

from __future__ import annotations

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

from shared.contracts.submissions import MediaKind

VIETNAM_TZ = "Asia/Ho_Chi_Minh"

LANGUAGE_NAMES: dict[str, str] = {
    "vi": "tiếng Việt",
    "tyz": "tiếng Tày",
    "nut": "tiếng Nùng",
    "ium": "tiếng Dao",
}
LANGUAGE_NAMES_EN = {"vi": "Vietnamese", "tyz": "Tày", "nut": "Nùng", "ium": "Dao"}

KIND_NAMES: dict[MediaKind, str] = {
    MediaKind.TEXT: "văn bản",
    MediaKind.AUDIO: "âm thanh",
    MediaKind.VIDEO: "video",
    MediaKind.IMAGE: "ảnh",
}


def format_local(dt: datetime, tz: str = VIETNAM_TZ) -> str:
    """``HH:MM dd/mm/yyyy`` in the contest's time zone."""
    if dt.tzinfo is None:
        raise ValueError("a naive datetime has no place in time; pass an aware one")
    return dt.astimezone(ZoneInfo(tz)).strftime("%H:%M %d/%m/%Y")


def format_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def whole_seconds(seconds: float) -> int:
    """Durations are judged and shown in whole seconds (half up): a 15:00 export that a
    container reports as 900.02 s is 15 minutes, as the contestant's editor says."""
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"not a duration: {seconds!r}")
    return math.floor(seconds + 0.5)


def format_duration(seconds: float) -> str:
    """``17 phút 05 giây``; ``15 phút`` on a whole minute; ``45 giây`` under a minute."""
    minutes, secs = divmod(whole_seconds(seconds), 60)
    if minutes == 0:
        return f"{secs} giây"
    return f"{minutes} phút" if secs == 0 else f"{minutes} phút {secs:02d} giây"


def duration_en(seconds: float) -> str:
    minutes, secs = divmod(whole_seconds(seconds), 60)
    if minutes == 0:
        return f"{secs} s"
    return f"{minutes} min" if secs == 0 else f"{minutes} min {secs:02d} s"


def format_size(n: int, decimal: str = ",") -> str:
    """``12,5 MiB`` (Vietnamese decimal comma by default)."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            number = f"{n / scale:.1f}".removesuffix(".0").replace(".", decimal)
            return f"{number} {unit}"
    return f"{n} byte"


def grouped(n: int, sep: str = ".") -> str:
    """Thousands grouped the Vietnamese way (``3.500``) unless told otherwise."""
    return f"{n:,}".replace(",", sep)
