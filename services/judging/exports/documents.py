"""What the printable and downloadable documents of judging say, as plain values, and how their
numbers, money and dates are written for Vietnamese readers.

Pure: no I/O and no clock reads. The renderers (``pdf.py``, ``sheets.py``) take these values and
return bytes; whoever builds them decides what a juror or the public may see (in a blind round
``ResultLine.authors`` is ``""`` and a score sheet never names authors).

Errors are messages in Vietnamese, then " / " and English, so the UI can show the half it needs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def _require_aware(value: datetime, field: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"«{field}» phải có múi giờ. / «{field}» must be a timezone-aware datetime."
        )


@dataclass(frozen=True)
class CriterionColumn:
    code: str
    name: str  # e.g. "Hiệu quả xã hội"
    max_points: float
    weight: float  # a share of the 100-point total, as in domain.criteria


@dataclass(frozen=True)
class SheetRow:
    entry_code: str
    title: str
    points: Mapping[str, float | None]  # criterion code → points; None or absent: not scored
    total: float | None  # the 100-point weighted total, None while incomplete
    comment: str
    status: str  # already in words: "Đã nộp", "Nháp"…


@dataclass(frozen=True)
class ScoreSheet:
    """A juror's score sheet (phiếu chấm) for one round, printed to be signed."""

    organiser: str  # "Sở Thông tin và Truyền thông tỉnh Lạng Sơn" or "Ban Tổ chức"
    contest_title: str
    round_name: str
    council_name: str
    juror_name: str
    juror_organisation: str
    criteria: tuple[CriterionColumn, ...]
    rows: tuple[SheetRow, ...]
    blind: bool  # blind round: entries are shown by code and title only
    printed_at: datetime  # aware; shown in Asia/Ho_Chi_Minh

    def __post_init__(self) -> None:
        _require_aware(self.printed_at, "printed_at")
        known = {criterion.code for criterion in self.criteria}
        for row in self.rows:
            unknown = sorted(set(row.points) - known)
            if unknown:
                codes = ", ".join(unknown)
                raise ValueError(
                    f"Tác phẩm {row.entry_code} có điểm cho tiêu chí không có trong phiếu: "
                    f"{codes}. / Entry {row.entry_code} has points for criteria the sheet "
                    f"does not list: {codes}."
                )


@dataclass(frozen=True)
class ResultLine:
    rank: int | None
    entry_code: str
    title: str
    category: str
    values: Mapping[str, float | None]  # method label → value (mean, median, trimmed, z…)
    flags: tuple[str, ...]  # in words, e.g. "Chênh lệch điểm lớn"
    tier: str | None  # "Giải A", "Khuyến khích"… or None
    prize_vnd: int | None
    authors: str  # "" while the round is blind


@dataclass(frozen=True)
class MinutesMember:
    name: str
    role: str  # "Chủ tịch Hội đồng", "Thư ký", "Ủy viên"…
    organisation: str


@dataclass(frozen=True)
class Minutes:
    """The minutes (biên bản) of a council's meeting on a round's results."""

    organiser: str
    contest_title: str
    round_name: str
    council_name: str
    place: str
    held_at: datetime  # aware
    members: tuple[MinutesMember, ...]
    method_label: str  # the ranking method, stated on every page
    rule_text: str  # the advancement or ballot rule, in words
    lines: tuple[ResultLine, ...]
    total_prize_vnd: int
    budget_vnd: int
    snapshot_hash: str | None  # set once the results are approved
    notes: tuple[str, ...]  # flags, declared conflicts, reopenings… in words

    def __post_init__(self) -> None:
        _require_aware(self.held_at, "held_at")

    @property
    def value_labels(self) -> tuple[str, ...]:
        """The value columns, in the order they first appear in the lines."""
        return tuple(dict.fromkeys(label for line in self.lines for label in line.values))


@dataclass(frozen=True)
class ResultsTable:
    """A round's results for download (XLSX, CSV)."""

    contest_title: str
    round_name: str
    method_label: str
    columns: tuple[str, ...]  # value labels, in the order to show them
    lines: tuple[ResultLine, ...]
    snapshot_hash: str | None

    def __post_init__(self) -> None:
        shown = set(self.columns)
        for line in self.lines:
            hidden = [label for label in line.values if label not in shown]
            if hidden:
                labels = ", ".join(hidden)
                raise ValueError(
                    f"Tác phẩm {line.entry_code} có giá trị không nằm trong các cột: {labels}. "
                    f"/ Entry {line.entry_code} has values outside the columns: {labels}."
                )


# --- How numbers, money and dates are written --------------------------------------------------


def format_score(value: float | None, missing: str = "") -> str:
    """38.5 → "38,5", 40.0 → "40", 12.345 → "12,35", -0.5 → "-0,5"; None → ``missing``."""
    if value is None:
        return missing
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    if text == "-0":  # a tiny negative rounds to "-0.00"
        text = "0"
    return text.replace(".", ",")


def format_vnd(amount: int | None, missing: str = "") -> str:
    """10000000 → "10.000.000 đ"; None → ``missing``."""
    if amount is None:
        return missing
    return f"{amount:,} đ".replace(",", ".")


def local_time(value: datetime) -> datetime:
    _require_aware(value, "datetime")
    return value.astimezone(VIETNAM)


def format_datetime(value: datetime) -> str:
    """An aware datetime as dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh."""
    return local_time(value).strftime("%d/%m/%Y %H:%M")


def format_date(value: datetime) -> str:
    return local_time(value).strftime("%d/%m/%Y")


def format_clock_and_date(value: datetime) -> str:
    """How minutes give their time: "14 giờ 05 phút, ngày 05/12/2026"."""
    local = local_time(value)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, ngày {local:%d/%m/%Y}"
