"""A bulletin's options as the organizer sets them on a loudspeaker outlet (priority, target
communes by administrative code, validity window, length), its id and file names, and where
packages go (a folder or an s3:// prefix)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

SCHEMA_VERSION = "1.0"
VIETNAM = timezone(timedelta(hours=7))  # no daylight saving time in Viet Nam

PRIORITIES: dict[str, tuple[str, str]] = {
    "normal": ("Thông thường", "Normal"),
    "priority": ("Ưu tiên", "Priority"),
    "emergency": ("Khẩn cấp", "Emergency"),
}
STATUSES = ("active", "canceled")
ORIGINS = ("audio", "video", "tts")  # where the bulletin's sound came from

DEFAULT_PRIORITY = "normal"
DEFAULT_VALIDITY_DAYS = 7
MAX_VALIDITY_DAYS = 90  # a bulletin is news: the taker should not keep playing it for months
DEFAULT_MAX_MINUTES = 10
MAX_MINUTES = 30
MAX_COMMUNES = 3500  # more than every commune-level unit of the country
CHARACTERS_PER_MINUTE = 800  # Vietnamese read aloud at a loudspeaker's pace

AUDIO_FILE = "audio.mp3"
SCRIPT_FILE = "script.txt"
MANIFEST_FILE = "manifest.json"
AUDIO_MEDIA_TYPE = "audio/mpeg"
SCRIPT_MEDIA_TYPE = "text/plain; charset=utf-8"
SAMPLE_RATES = (44100, 48000)

_COMMUNE = re.compile(r"\d{5}")


# --- options ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulletinOptions:
    """An outlet's bulletin settings, checked."""

    priority: str
    communes: tuple[str, ...]
    validity_days: int
    valid_from: datetime | None
    valid_until: datetime | None
    max_minutes: int
    organizer: str | None

    @property
    def max_characters(self) -> int:
        return self.max_minutes * CHARACTERS_PER_MINUTE

    @property
    def max_seconds(self) -> float:
        return self.max_minutes * 60.0


def priority_label(priority: str) -> str:
    """'Ưu tiên / Priority', as pages show it."""
    vietnamese, english = PRIORITIES.get(priority, (priority, priority))
    return f"{vietnamese} / {english}"


def split_communes(value: Any) -> list[str]:
    """Codes from a list or from text separated by commas, semicolons, spaces or lines."""
    if value is None:
        return []
    if isinstance(value, str):
        return [c for c in re.split(r"[\s,;]+", value) if c]
    if isinstance(value, Iterable):
        return [str(c).strip() for c in value if str(c).strip()]
    return [str(value)]


def commune_problems(codes: Sequence[str]) -> list[str]:
    """What is wrong with a list of target commune codes (5 digits from the national list)."""
    if not codes:
        return [
            "Cần ít nhất một mã xã nhận bản tin. / At least one commune must receive the bulletin."
        ]
    problems: list[str] = []
    bad = [c for c in codes if not _COMMUNE.fullmatch(c)]
    if bad:
        shown = ", ".join(f"“{c}”" for c in bad[:5])
        problems.append(
            f"Mã xã không hợp lệ: {shown}; mỗi mã gồm đúng 5 chữ số theo danh mục đơn vị "
            "hành chính. / Invalid commune codes: "
            f"{shown}; each is exactly 5 digits from the national list of administrative units."
        )
    repeated = sorted(c for c, n in Counter(codes).items() if n > 1)
    if repeated:
        shown = ", ".join(repeated[:5])
        problems.append(f"Mã xã bị lặp: {shown}. / Commune codes listed twice: {shown}.")
    if len(codes) > MAX_COMMUNES:
        problems.append(
            f"Quá nhiều mã xã (tối đa {MAX_COMMUNES}). "
            f"/ Too many commune codes (at most {MAX_COMMUNES})."
        )
    return problems


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time; one without an offset is Viet Nam time. None if not a time."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return moment.replace(tzinfo=VIETNAM) if moment.tzinfo is None else moment


def vietnam_time(moment: datetime) -> str:
    """'2026-11-26T19:30:00+07:00': the manifest's times, in Viet Nam time to the second."""
    if moment.tzinfo is None:
        raise ValueError("a manifest time needs an offset")
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def _whole_number(value: Any, default: int) -> int | None:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def window_problems(valid_from: datetime, valid_until: datetime) -> list[str]:
    if valid_until <= valid_from:
        return [
            "Thời điểm hết hiệu lực phải sau thời điểm bắt đầu. "
            "/ The bulletin must end after it starts."
        ]
    if valid_until - valid_from > timedelta(days=MAX_VALIDITY_DAYS):
        return [
            f"Bản tin chỉ được phát trong tối đa {MAX_VALIDITY_DAYS} ngày. "
            f"/ A bulletin may play for at most {MAX_VALIDITY_DAYS} days."
        ]
    return []


def parse_options(settings: Mapping[str, Any]) -> tuple[BulletinOptions | None, list[str]]:
    """The options of a loudspeaker outlet, or every problem with them."""
    problems: list[str] = []
    priority = str(settings.get("priority") or DEFAULT_PRIORITY).strip()
    if priority not in PRIORITIES:
        choices = ", ".join(f"{k} ({v[0]})" for k, v in PRIORITIES.items())
        problems.append(
            f"Mức ưu tiên “{priority}” không có; chọn một trong: {choices}. "
            f"/ Unknown priority “{priority}”; choose one of: {', '.join(PRIORITIES)}."
        )
    communes = split_communes(settings.get("communes"))
    problems += commune_problems(communes)

    days = _whole_number(settings.get("validity_days"), DEFAULT_VALIDITY_DAYS)
    if days is None or not 1 <= days <= MAX_VALIDITY_DAYS:
        problems.append(
            f"Số ngày hiệu lực phải là số nguyên từ 1 đến {MAX_VALIDITY_DAYS}. "
            f"/ Validity days must be a whole number from 1 to {MAX_VALIDITY_DAYS}."
        )
    times: dict[str, datetime | None] = {}
    for name, vietnamese in (("valid_from", "bắt đầu"), ("valid_until", "hết hiệu lực")):
        raw = settings.get(name)
        times[name] = parse_time(raw)
        if raw not in (None, "") and times[name] is None:
            problems.append(
                f"Thời điểm {vietnamese} “{raw}” không đúng dạng ISO 8601 "
                f"(ví dụ 2026-12-01T07:00+07:00). / The {name} time “{raw}” is not "
                "ISO 8601 (e.g. 2026-12-01T07:00+07:00)."
            )
    valid_from, valid_until = times["valid_from"], times["valid_until"]
    if valid_from is not None and valid_until is not None:
        problems += window_problems(valid_from, valid_until)

    minutes = _whole_number(settings.get("max_minutes"), DEFAULT_MAX_MINUTES)
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:
        problems.append(
            f"Độ dài tối đa của bản tin phải từ 1 đến {MAX_MINUTES} phút. "
            f"/ A bulletin's maximum length must be from 1 to {MAX_MINUTES} minutes."
        )
    organizer = str(settings.get("organizer") or "").strip() or None
    if problems or days is None or minutes is None:
        return None, problems
    return (
        BulletinOptions(
            priority=priority,
            communes=tuple(communes),
            validity_days=days,
            valid_from=valid_from,
            valid_until=valid_until,
            max_minutes=minutes,
            organizer=organizer,
        ),
        [],
    )


def resolve_window(options: BulletinOptions, now: datetime) -> tuple[datetime, datetime]:
    """When the bulletin plays: the set times, else from now for ``validity_days``."""
    start = options.valid_from or now
    end = options.valid_until or start + timedelta(days=options.validity_days)
    return start.astimezone(VIETNAM), end.astimezone(VIETNAM)


# --- names -----------------------------------------------------------------------------------


def bulletin_id(code: str, entry_id: str, outlet_id: str) -> str:
    """A folder-safe id, the same each time one work goes to one outlet (a retried job
    replaces its own package instead of adding a second bulletin)."""
    readable = re.sub(r"[^A-Za-z0-9]+", "-", code).strip("-")[:40] or "bantin"
    digest = hashlib.sha256(f"{outlet_id}\n{entry_id}".encode()).hexdigest()[:12]
    return f"{readable}-{digest}"


def safe_file_name(name: str, fallback: str) -> str:
    """A local file name from a download name: no folders, no odd characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")
    return cleaned[:100] or fallback


# --- where packages go -----------------------------------------------------------------------

DEFAULT_PREFIX = "bulletins"
_PREFIX = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")


@dataclass(frozen=True)
class Destination:
    kind: str  # "folder" | "storage" | "default" (the drop folder if set, else storage)
    where: str  # the folder's path, or the storage prefix


def parse_address(address: str) -> tuple[Destination | None, list[str]]:
    """An outlet's address: empty (the service's drop folder, else object storage under
    ``bulletins/``), an absolute folder path (or file:///…), or ``s3://<prefix>``."""
    address = address.strip()
    if not address:
        return Destination("default", ""), []
    if address.startswith("s3://"):
        prefix = address.removeprefix("s3://").strip("/")
        if not prefix:
            return Destination("storage", DEFAULT_PREFIX), []
        if _PREFIX.fullmatch(prefix) and ".." not in prefix.split("/"):
            return Destination("storage", prefix), []
        return None, [
            f"Tiền tố kho “{prefix}” chỉ được chứa chữ không dấu, số, '.', '_', '-', '/' "
            "và không có đoạn '..'. "
            f"/ The storage prefix “{prefix}” may hold only ASCII letters, digits, '.', '_', "
            "'-' and '/', and no '..' part."
        ]
    path = address.removeprefix("file://")
    if path.startswith("/") and "\x00" not in path and ".." not in path.split("/"):
        return Destination("folder", path.rstrip("/") or "/"), []
    return None, [
        f"Địa chỉ “{address}” không dùng được: để trống, ghi đường dẫn thư mục tuyệt đối "
        "(/srv/ban-tin) hoặc s3://<tiền tố>. / The address “"
        f"{address}” cannot be used: leave it empty, give an absolute folder path (/srv/ban-tin) "
        "or s3://<prefix>."
    ]
