"""The contest form's fields: their names, labels and row counts, and a stored contest (or a
blank one) written as the form shows it: moments as a day and a time in the contest's zone,
money as "10.000.000", sizes in MiB or GiB."""

from __future__ import annotations

import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from shared.contracts.submissions import (
    AwardTier,
    CategoryRules,
    Eligibility,
    MediaKind,
    PhaseKind,
)
from shared.pages.i18n import N_, Translator

from ..contests.service import phases_of
from ..models import Contest
from .forms import FormValues
from .i18n import PHASE_LABELS

CATEGORY_ROWS = 4  # rows offered, filled or not; more only when a contest already has more
TIER_ROWS = 4
MAX_ROWS = 30  # a bound on the hidden row counts a browser sends back
MIB, GIB = 1024**2, 1024**3
SIZE_UNITS = {"MiB": MIB, "GiB": GIB}
KINDS = (MediaKind.TEXT, MediaKind.AUDIO, MediaKind.VIDEO, MediaKind.IMAGE)
LANGUAGES = ("vi", "tyz", "nut", "ium")
TRANSLATED = ("tyz", "nut", "ium")  # a work in Vietnamese needs no translation
# One wording of the phases everywhere: the public contest page's.
PHASE_NAMES = {PhaseKind(kind): label for kind, label in PHASE_LABELS.items()}
LABELS = {
    "code": N_("Mã cuộc thi"),
    "title": N_("Tên cuộc thi"),
    "theme": N_("Chủ đề"),
    "organizer": N_("Cơ quan tổ chức"),
    "rules_html": N_("Thể lệ"),
    "rules_pdf": N_("Thể lệ có chữ ký (PDF)"),
    "prize_budget_vnd": N_("Tổng kinh phí giải thưởng (đồng)"),
    "reason": N_("Lý do thay đổi"),
    "entries_per_author": N_("Số bài tối đa của mỗi tác giả"),
    "languages": N_("Ngôn ngữ được dự thi"),
    "translation_required": N_("Cần kèm bản dịch tiếng Việt"),
    "unpublished_allowed": N_("Nhận tác phẩm chưa đăng, phát"),
    "published_from": N_("Đăng, phát từ ngày"),
    "published_until": N_("Đăng, phát đến ngày"),
    "excluded_emails": N_("Những người không được dự thi (e-mail)"),
    "categories": N_("Thể loại"),
    "phases": N_("Các giai đoạn"),
}
CATEGORY_LABELS = {
    "code": N_("Mã thể loại"),
    "name": N_("Tên thể loại"),
    "kinds": N_("Loại tệp nhận"),
    "max_files": N_("Số tệp tối đa"),
    "max_size": N_("Dung lượng tối đa mỗi tệp"),
    "max_minutes": N_("Thời lượng tối đa mỗi tệp (phút)"),
    "max_words": N_("Số chữ tối đa mỗi bài"),
    "max_series_parts": N_("Số phần tối đa của loạt bài"),
    "min_images": N_("Số ảnh tối thiểu của bộ ảnh"),
}
TIER_LABELS = {
    "code": N_("Mã giải"),
    "name": N_("Tên giải"),
    "quota": N_("Số giải"),
    "prize": N_("Tiền thưởng mỗi giải (đồng)"),
}
PHASE_PARTS = {
    "start_day": N_("ngày bắt đầu"),
    "start_time": N_("giờ bắt đầu"),
    "end_day": N_("ngày kết thúc"),
    "end_time": N_("giờ kết thúc"),
}
CATEGORY_TEXT = tuple(k for k in CATEGORY_LABELS if k != "kinds")
RULE_FIELDS = {"allowed_kinds": "kinds", "max_file_bytes": "max_size"}
RULE_FIELDS |= {"max_duration_seconds": "max_minutes"}


def label_of(name: str, t: Translator) -> str:
    """The field's name as the error summary shows it: "Số giải (thể loại 2, giải 1)"."""
    _ = t.gettext
    if found := re.fullmatch(r"cat-(\d+)-tier-(\d+)-(\w+)", name):
        label = _(TIER_LABELS.get(found.group(3), found.group(3)))
        n, m = int(found.group(1)) + 1, int(found.group(2)) + 1
        return _("%(label)s (thể loại %(n)s, giải %(m)s)", label=label, n=n, m=m)
    if found := re.fullmatch(r"cat-(\d+)-(\w+)", name):
        label = _(CATEGORY_LABELS.get(found.group(2), found.group(2)))
        return _("%(label)s (thể loại %(n)s)", label=label, n=int(found.group(1)) + 1)
    if (found := re.fullmatch(r"phase-(\w+)-(\w+)", name)) and found.group(1) in PHASE_NAMES:
        phase = _(PHASE_NAMES[PhaseKind(found.group(1))])
        return f"{phase}: {_(PHASE_PARTS.get(found.group(2), found.group(2)))}"
    return _(LABELS.get(name, name))


def row_counts(values: Mapping[str, str]) -> tuple[int, list[int]]:
    """Category rows and tier rows per category, as the form was drawn (hidden fields)."""

    def count(name: str, least: int) -> int:
        typed = values.get(name, "")
        return min(max(int(typed) if typed.isdigit() else 0, least), MAX_ROWS)

    categories = count("cat_rows", CATEGORY_ROWS)
    return categories, [count(f"cat-{i}-tier_rows", TIER_ROWS) for i in range(categories)]


def decimal_text(value: float, lang: str) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "vi" else text


def size_text(n: int, lang: str) -> tuple[str, str]:
    unit = "GiB" if n >= GIB else "MiB"
    return decimal_text(n / SIZE_UNITS[unit], lang), unit


def new_contest_values() -> FormValues:
    """A blank form: Vietnamese and the ethnic languages (translated), unpublished works."""
    values = {"cat_rows": str(CATEGORY_ROWS), "entries_per_author": "1", "unpublished_allowed": "1"}
    values |= {f"lang-{code}": "1" for code in LANGUAGES}
    return values | {f"translate-{code}": "1" for code in TRANSLATED}


def contest_values(contest: Contest, lang: str) -> FormValues:
    """A stored contest as the form shows it, numbers written the reader's way."""
    zone = ZoneInfo(contest.timezone)
    v: FormValues = {
        "code": contest.code,
        "title": contest.title,
        "theme": contest.theme,
        "organizer": contest.organizer,
        "rules_html": contest.rules_html,
        "prize_budget_vnd": format_decimal(contest.prize_budget_vnd, locale=lang),
        "cat_rows": str(max(CATEGORY_ROWS, len(contest.categories))),
    }
    for phase in phases_of(contest):
        p = f"phase-{phase.kind.value}"
        starts, ends = phase.starts_at.astimezone(zone), phase.ends_at.astimezone(zone)
        v |= {f"{p}-start_day": starts.strftime("%d/%m/%Y"), f"{p}-start_time": f"{starts:%H:%M}"}
        v |= {f"{p}-end_day": ends.strftime("%d/%m/%Y"), f"{p}-end_time": f"{ends:%H:%M}"}
    for i, category in enumerate(contest.categories):
        p, rules = f"cat-{i}", CategoryRules.model_validate(category.rules)
        v[f"{p}-max_size"], v[f"{p}-size_unit"] = size_text(rules.max_file_bytes, lang)
        minutes = rules.max_duration_seconds
        v |= {
            f"{p}-code": category.code,
            f"{p}-name": category.name,
            f"{p}-bytes": str(rules.max_file_bytes),
            f"{p}-max_files": str(rules.max_files),
            f"{p}-max_minutes": decimal_text(minutes / 60, lang) if minutes else "",
            f"{p}-max_words": str(rules.max_words or ""),
            f"{p}-max_series_parts": str(rules.max_series_parts),
            f"{p}-min_images": str(rules.min_images or ""),
            f"{p}-tier_rows": str(max(TIER_ROWS, len(category.award_tiers))),
        }
        v |= {f"{p}-kind-{k.value}": "1" for k in rules.allowed_kinds}
        for j, tier in enumerate(AwardTier.model_validate(x) for x in category.award_tiers):
            q = f"{p}-tier-{j}"
            v |= {f"{q}-code": tier.code, f"{q}-name": tier.name, f"{q}-quota": str(tier.quota)}
            v[f"{q}-prize"] = format_decimal(tier.prize_vnd, locale=lang)
    rules_of_entry = Eligibility.model_validate(contest.eligibility)
    v |= {f"lang-{code}": "1" for code in rules_of_entry.languages}
    v |= {f"translate-{code}": "1" for code in rules_of_entry.translation_required}
    since, until = rules_of_entry.published_from, rules_of_entry.published_until
    return v | {
        "entries_per_author": str(rules_of_entry.entries_per_author),
        "unpublished_allowed": "1" if rules_of_entry.unpublished_allowed else "",
        "published_from": since.strftime("%d/%m/%Y") if since else "",
        "published_until": until.strftime("%d/%m/%Y") if until else "",
        "excluded_emails": "\n".join(rules_of_entry.excluded_emails),
    }
