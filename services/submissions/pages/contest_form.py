"""The organizer's contest form read into ContestIn: one message per field that cannot be
read, next to it; empty phase, category and award rows are ignored."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from shared.contracts.submissions import PhaseKind
from shared.pages.i18n import Translator

from ..contests.schemas import ContestIn
from ..domain.formatting import VIETNAM_TZ
from .contest_fields import (
    CATEGORY_TEXT,
    KINDS,
    LANGUAGES,
    MIB,
    PHASE_PARTS,
    RULE_FIELDS,
    SIZE_UNITS,
    TIER_LABELS,
    TRANSLATED,
    row_counts,
    size_text,
)
from .forms import parse_day, validate

_TIME = re.compile(r"(\d{1,2})(?:[:hH.]?(\d{2}))?")  # 17:00, 17h00, 17.00, 1700, 17
_MONEY = re.compile(r"\d{1,3}(?:([., ])\d{3})?(?:\1\d{3})*|\d+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class _Reader:
    """Reads typed values, noting one message per field that cannot be read."""

    def __init__(self, values: Mapping[str, str], t: Translator) -> None:
        self.values, self.t = values, t
        self.errors: dict[str, str] = {}

    def text(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def checked(self, name: str) -> bool:
        return self.values.get(name) == "1"

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def integer(self, name: str) -> int | None:
        typed = self.text(name)
        if typed and not typed.isdigit():
            self.fail(name, self.t.gettext("Hãy nhập một số nguyên."))
        return int(typed) if typed.isdigit() else None

    def money(self, name: str) -> int | None:
        typed = self.text(name).removesuffix("đ").strip()
        if typed and not _MONEY.fullmatch(typed):
            self.fail(name, self.t.gettext("Hãy ghi số tiền bằng chữ số, ví dụ 10.000.000."))
        return int(re.sub(r"\D", "", typed)) if _MONEY.fullmatch(typed) else None

    def decimal(self, name: str) -> float | None:
        typed = self.text(name).replace(",", ".")
        if not typed:
            return None
        if re.fullmatch(r"\d+(\.\d+)?", typed) is None or float(typed) == 0:
            self.fail(name, self.t.gettext("Hãy nhập một số lớn hơn 0, ví dụ 1,5."))
            return None
        return float(typed)

    def day(self, name: str) -> date | None:
        typed = self.text(name)
        found = parse_day(typed) if typed else None
        if typed and found is None:
            self.fail(name, self.t.gettext("Ngày không hợp lệ; hãy ghi theo dạng dd/mm/yyyy."))
        return found

    def clock(self, name: str, default: time) -> time | None:
        typed = self.text(name)
        if not typed:
            return default
        found = _TIME.fullmatch(typed)
        if found and int(found.group(1)) < 24 and int(found.group(2) or 0) < 60:
            return time(int(found.group(1)), int(found.group(2) or 0))
        self.fail(name, self.t.gettext("Giờ không hợp lệ; hãy ghi theo dạng HH:MM, ví dụ 17:00."))
        return None


def _phases(r: _Reader, zone: ZoneInfo) -> tuple[list[PhaseKind], list[dict[str, Any]]]:
    _ = r.t.gettext
    kinds, phases = [], []
    for kind in PhaseKind:
        p = f"phase-{kind.value}"
        if not any(r.text(f"{p}-{part}") for part in PHASE_PARTS):
            continue  # an empty row: the contest has no such phase
        start_day, end_day = r.day(f"{p}-start_day"), r.day(f"{p}-end_day")
        start_time = r.clock(f"{p}-start_time", time(0, 0))
        end_time = r.clock(f"{p}-end_time", time(23, 59))
        for part, found in (("start_day", start_day), ("end_day", end_day)):
            if found is None and not r.text(f"{p}-{part}"):
                r.fail(f"{p}-{part}", _("Vui lòng điền mục này."))
        if start_day and end_day and start_time and end_time:
            starts = datetime.combine(start_day, start_time, zone)
            ends = datetime.combine(end_day, end_time, zone)
            if ends <= starts:
                r.fail(f"{p}-end_day", _("Thời điểm kết thúc phải sau thời điểm bắt đầu."))
            kinds.append(kind)
            phases.append({"kind": kind, "starts_at": starts, "ends_at": ends})
    typed_submission = any(n.startswith("phase-submission-") for n in r.errors)
    if PhaseKind.SUBMISSION not in kinds and not typed_submission:
        r.fail("phase-submission-start_day", _("Cần có thời gian nhận bài."))
    return kinds, phases


def _size(r: _Reader, p: str) -> int | None:
    unit = r.values.get(f"{p}-size_unit", "MiB")
    amount = r.decimal(f"{p}-max_size")
    was = r.text(f"{p}-bytes")  # the stored limit, kept exact while its text is unchanged
    if was.isdigit() and size_text(int(was), "en") == (r.text(f"{p}-max_size"), unit):
        return int(was)
    if was.isdigit() and size_text(int(was), "vi") == (r.text(f"{p}-max_size"), unit):
        return int(was)
    return round(amount * SIZE_UNITS.get(unit, MIB)) if amount is not None else None


def _category(r: _Reader, i: int, tier_rows: int) -> tuple[dict[str, Any], list[int]]:
    p = f"cat-{i}"
    minutes = r.decimal(f"{p}-max_minutes")
    rules: dict[str, Any] = {
        "allowed_kinds": [k for k in KINDS if r.checked(f"{p}-kind-{k.value}")],
        "max_files": r.integer(f"{p}-max_files"),
        "max_file_bytes": _size(r, p),
        "max_duration_seconds": round(minutes * 60) if minutes is not None else None,
        "max_words": r.integer(f"{p}-max_words"),
        "max_series_parts": r.integer(f"{p}-max_series_parts"),
        "min_images": r.integer(f"{p}-min_images"),
    }
    if not rules["allowed_kinds"]:
        r.fail(f"{p}-kinds", r.t.gettext("Chọn ít nhất một loại tệp."))
    code = r.text(f"{p}-code").upper()
    if not code:
        r.fail(f"{p}-code", r.t.gettext("Vui lòng điền mục này."))
    elif not re.fullmatch(r"[A-Z]{2,4}", code):
        r.fail(f"{p}-code", r.t.gettext("Mã thể loại gồm 2–4 chữ cái không dấu, ví dụ BC."))
    tiers, rows = [], []
    for j in range(tier_rows):
        q = f"{p}-tier-{j}"
        if not any(r.text(f"{q}-{f}") for f in TIER_LABELS):
            continue
        rows.append(j)
        tier: dict[str, Any] = {"code": r.text(f"{q}-code"), "name": r.text(f"{q}-name")}
        tier |= {"quota": r.integer(f"{q}-quota"), "prize_vnd": r.money(f"{q}-prize")}
        tiers.append({k: v for k, v in tier.items() if v not in (None, "")})
    category: dict[str, Any] = {"code": code, "name": r.text(f"{p}-name"), "award_tiers": tiers}
    category["rules"] = {k: v for k, v in rules.items() if v is not None}
    return category, rows


def _eligibility(r: _Reader) -> dict[str, Any]:
    _ = r.t.gettext
    emails: list[str] = []
    for line in r.values.get("excluded_emails", "").splitlines():
        email = line.strip().lower()
        if email and not _EMAIL.fullmatch(email):
            r.fail("excluded_emails", _("Địa chỉ e-mail không hợp lệ: %(email)s", email=email))
        elif email and email not in emails:
            emails.append(email)
    languages = [code for code in LANGUAGES if r.checked(f"lang-{code}")]
    if not languages:
        r.fail("languages", _("Chọn ít nhất một ngôn ngữ."))
    found: dict[str, Any] = {
        "entries_per_author": r.integer("entries_per_author"),
        "languages": languages,
        "translation_required": [code for code in TRANSLATED if r.checked(f"translate-{code}")],
        "unpublished_allowed": r.checked("unpublished_allowed"),
        "published_from": r.day("published_from"),
        "published_until": r.day("published_until"),
        "excluded_emails": emails,
    }
    since, until = found["published_from"], found["published_until"]
    if since and until and until < since:
        r.fail("published_until", _("Ngày kết thúc phải sau ngày bắt đầu."))
    return {k: v for k, v in found.items() if v is not None}


def parse_contest(
    values: Mapping[str, str],
    t: Translator,
    *,
    code: str | None = None,
    timezone: str = VIETNAM_TZ,
    errors: Mapping[str, str] | None = None,
) -> ContestIn:
    """The form as ContestIn, or FormInvalid; ``code`` is the stored one when editing."""
    _ = t.gettext
    r = _Reader(values, t)
    r.errors.update(errors or {})
    phase_kinds, phases = _phases(r, ZoneInfo(timezone))
    count, tier_counts = row_counts(values)
    rows: list[int] = []
    tier_rows: list[list[int]] = []
    categories: list[dict[str, Any]] = []
    for i in range(count):
        p = f"cat-{i}"
        kinds = any(r.checked(f"{p}-kind-{k.value}") for k in KINDS)
        if not kinds and not any(r.text(f"{p}-{f}") for f in CATEGORY_TEXT):
            continue
        category, used = _category(r, i, tier_counts[i])
        if category["code"] and category["code"] in [c["code"] for c in categories]:
            r.fail(f"{p}-code", _("Mã thể loại bị trùng."))
        rows.append(i)
        tier_rows.append(used)
        categories.append(category)
    if not categories:
        r.fail("cat-0-code", _("Cần ít nhất một thể loại."))
    if code is None:
        code = r.text("code").upper()
        if not code:
            r.fail("code", _("Vui lòng điền mục này."))
        elif not re.fullmatch(r"[A-Z0-9]{2,12}", code):
            r.fail("code", _("Mã cuộc thi gồm 2–12 chữ cái không dấu hoặc chữ số, ví dụ LS26."))
    budget = r.money("prize_budget_vnd")
    tiers = [tier for c in categories for tier in c["award_tiers"]]
    awarded = sum(tier.get("quota", 0) * tier.get("prize_vnd", 0) for tier in tiers)
    if budget is not None and awarded > budget:
        total = format_decimal(awarded, locale=t.lang)
        r.fail(
            "prize_budget_vnd",
            _("Tổng tiền các giải là %(total)s đồng, vượt tổng kinh phí giải thưởng.", total=total),
        )
    data = {
        "code": code,
        "title": r.text("title"),
        "theme": r.text("theme"),
        "organizer": r.text("organizer"),
        "timezone": timezone,
        "rules_html": values.get("rules_html", ""),
        "phases": phases,
        "categories": categories,
        "eligibility": _eligibility(r),
        "prize_budget_vnd": budget,
    }
    first_phase = next((n for n in r.errors if n.startswith("phase-")), "phases")
    first_category = next((n for n in r.errors if n.startswith("cat-")), "cat-0-code")

    def name_of(loc: tuple[int | str, ...]) -> str:
        match loc:
            case ("phases", int(i), str(field), *_):
                part = "end_day" if field == "ends_at" else "start_day"
                return f"phase-{phase_kinds[i].value}-{part}"
            case ("phases", *_):
                return first_phase
            case ("categories", int(i), "rules", str(field), *_):
                return f"cat-{rows[i]}-{RULE_FIELDS.get(field, field)}"
            case ("categories", int(i), "award_tiers", int(j), str(field), *_):
                part = "prize" if field == "prize_vnd" else field
                return f"cat-{rows[i]}-tier-{tier_rows[i][j]}-{part}"
            case ("categories", int(i), str(field), *_):
                return f"cat-{rows[i]}-{field}"
            case ("categories", *_):
                return first_category
            case ("eligibility", str(field), *_) | (str(field), *_):
                return field
        return ""

    return validate(ContestIn, data, t, name_of, r.errors)
