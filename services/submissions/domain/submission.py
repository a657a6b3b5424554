"""What stands between a draft entry and its submission, in words a contestant understands.

Pure: the caller gathers the facts (files, authors, other entries), this module only judges
them against the contest's rules. Every message is Vietnamese first, then " / " and English.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from shared.contracts.submissions import CategoryRules, Eligibility, MediaKind, Phase, PhaseKind

from .formatting import (
    KIND_NAMES,
    LANGUAGE_NAMES,
    LANGUAGE_NAMES_EN,
    duration_en,
    format_date,
    format_duration,
    format_local,
    format_size,
    grouped,
    whole_seconds,
)

# English for the usual exclusion labels; any other label is repeated as given.
_RULES_EXCLUSION = "thuộc diện không được dự thi theo thể lệ"
_ROLE_LABELS_EN = {
    _RULES_EXCLUSION: "excluded by the contest rules",
    "người không được dự thi theo Thể lệ": "excluded by the contest rules",
    "thành viên Ban Giám khảo": "a member of the jury",
    "thành viên Tổ Thư ký": "a member of the secretariat",
    "thành viên Ban Tổ chức": "a member of the organising committee",
    "Ban Giám khảo": "the jury",
    "Tổ Thư ký": "the secretariat",
    "Ban Tổ chức": "the organising committee",
}

_PENDING = frozenset({"uploading", "verifying"})


@dataclass(frozen=True)
class Problem:
    code: str  # stable, for programs and tests
    message: str  # Vietnamese / English, for the contestant


@dataclass(frozen=True)
class FileFacts:
    name: str  # cleaned original name, for messages
    status: str  # uploading | verifying | verified | rejected | cancelled
    role: str  # work | translation
    kind: MediaKind | None
    size_bytes: int
    series_part: int | None
    duration_seconds: float | None
    words: int | None


@dataclass(frozen=True)
class AuthorFacts:
    full_name: str
    email: str  # lower-cased


@dataclass(frozen=True)
class EntryFacts:
    category_name: str
    language: str
    series_parts: int
    published_on: date | None  # None = unpublished
    authors: tuple[AuthorFacts, ...]
    files: tuple[FileFacts, ...]


def _language(code: str) -> tuple[str, str]:
    return LANGUAGE_NAMES.get(code, f'ngôn ngữ "{code}"'), LANGUAGE_NAMES_EN.get(code, code)


def _problem(code: str, vi: str, en: str) -> Problem:
    return Problem(code, f"{vi} / {en}")


# --- the rules -------------------------------------------------------------------------------


_JUDGING = (PhaseKind.PRELIMINARY_ROUND, PhaseKind.FINAL_ROUND)


def life_stage(status: str, phases: Sequence[Phase], now: datetime) -> str:
    """Where an entry stands as its author sees it: past screening, an accepted entry is in
    judging once the rounds begin, and has its results once they are announced."""
    if status != "accepted":
        return status
    starts = {p.kind: p.starts_at for p in phases}
    if PhaseKind.RESULTS in starts and now >= starts[PhaseKind.RESULTS]:
        return "results"
    if any(kind in starts and now >= starts[kind] for kind in _JUDGING):
        return "in_judging"
    return status


def submission_window(phases: Sequence[Phase]) -> Phase | None:
    return next((p for p in phases if p.kind is PhaseKind.SUBMISSION), None)


def submission_problems(
    *,
    now: datetime,
    phases: Sequence[Phase],
    rules: CategoryRules,
    eligibility: Eligibility,
    entry: EntryFacts,
    other_entries_per_author: Mapping[str, int],
    excluded: Mapping[str, str],
) -> list[Problem]:
    """Every reason the entry cannot be submitted now; empty when it can.

    ``other_entries_per_author``: e-mail → number of other counted entries of this contest
    naming that person as author or co-author. ``excluded``: e-mail → why the person may not
    enter (Vietnamese role label); ``eligibility.excluded_emails`` are excluded as well.
    """
    return [
        *_deadline(now, phases),
        *_authors(entry, eligibility, other_entries_per_author, excluded),
        *_language_rules(entry, eligibility),
        *_publication(entry, eligibility),
        *_files(entry, rules),
    ]


def _deadline(now: datetime, phases: Sequence[Phase]) -> Iterator[Problem]:
    window = submission_window(phases)
    if window is None:
        yield _problem(
            "no_submission_phase",
            "Cuộc thi chưa có thời gian nhận bài.",
            "The contest has no submission period.",
        )
    elif now < window.starts_at:
        opens = format_local(window.starts_at)
        yield _problem(
            "not_open_yet",
            f"Cuộc thi chưa mở nhận bài; bắt đầu nhận bài từ {opens}.",
            f"Submissions open at {opens}.",
        )
    elif now > window.ends_at:  # the deadline minute itself still counts
        closed = format_local(window.ends_at)
        yield _problem(
            "deadline_passed",
            f"Đã hết hạn nhận bài (hạn chót {closed}).",
            f"The submission deadline ({closed}) has passed.",
        )


def _authors(
    entry: EntryFacts,
    eligibility: Eligibility,
    other_entries_per_author: Mapping[str, int],
    excluded: Mapping[str, str],
) -> Iterator[Problem]:
    if not entry.authors:
        yield _problem(
            "no_authors",
            "Bài dự thi cần ghi ít nhất một tác giả.",
            "The entry needs at least one author.",
        )
        return
    others = {_email(k): v for k, v in other_entries_per_author.items()}
    barred = {_email(e): _RULES_EXCLUSION for e in eligibility.excluded_emails}
    barred |= {_email(k): v for k, v in excluded.items()}
    limit = eligibility.entries_per_author
    seen: set[str] = set()
    for author in entry.authors:
        email = _email(author.email)
        if not email or email in seen:
            continue
        seen.add(email)
        name = author.full_name.strip() or email
        if email in barred:
            label = barred[email]
            label_en = _ROLE_LABELS_EN.get(label, label)
            yield _problem(
                "excluded_person",
                f"Tác giả {name} không được dự thi ({label}).",
                f"Author {name} may not enter ({label_en}).",
            )
        other = others.get(email, 0)
        if other + 1 > limit:
            yield _problem(
                "author_quota",
                f"Tác giả {name} đã có tên trong {other} bài dự thi khác; mỗi tác giả chỉ được "
                f"dự thi tối đa {limit} bài (tính cả bài đồng tác giả).",
                f"Author {name} already appears on {other} other entries; each author may "
                f"enter at most {limit} (co-authorship counts).",
            )


def _email(value: str) -> str:
    return value.strip().lower()


def _language_rules(entry: EntryFacts, eligibility: Eligibility) -> Iterator[Problem]:
    vi, en = _language(entry.language)
    if entry.language not in eligibility.languages:
        accepted = [_language(code) for code in eligibility.languages]
        yield _problem(
            "language",
            f"Cuộc thi không nhận bài viết bằng {vi}; chỉ nhận: "
            + ", ".join(a for a, _ in accepted)
            + ".",
            f"The contest does not accept works in {en}; accepted: "
            + ", ".join(b for _, b in accepted)
            + ".",
        )
    if entry.language in eligibility.translation_required and not any(
        f.role == "translation" and f.status == "verified" for f in entry.files
    ):
        yield _problem(
            "translation_missing",
            f"Tác phẩm bằng {vi} cần kèm bản dịch tiếng Việt.",
            f"A work in {en} must come with a Vietnamese translation.",
        )


def _publication(entry: EntryFacts, eligibility: Eligibility) -> Iterator[Problem]:
    published = entry.published_on
    start, end = eligibility.published_from, eligibility.published_until
    if published is None:
        if not eligibility.unpublished_allowed:
            yield _problem(
                "unpublished_not_allowed",
                "Cuộc thi chỉ nhận tác phẩm đã đăng, phát; hãy ghi ngày đăng, phát.",
                "Only published or broadcast works may enter; give the publication date.",
            )
        return
    if (start is None or published >= start) and (end is None or published <= end):
        return
    if start is not None and end is not None:
        span_vi = f"từ {format_date(start)} đến {format_date(end)}"
        span_en = f"from {format_date(start)} to {format_date(end)}"
    elif start is not None:
        span_vi, span_en = f"từ {format_date(start)}", f"from {format_date(start)}"
    else:
        assert end is not None
        span_vi, span_en = f"đến hết {format_date(end)}", f"until {format_date(end)}"
    yield _problem(
        "publication_window",
        f"Tác phẩm đăng, phát ngày {format_date(published)}, ngoài thời gian cuộc thi nhận "
        f"({span_vi}).",
        f"The work was published on {format_date(published)}, outside the accepted period "
        f"({span_en}).",
    )


def _files(entry: EntryFacts, rules: CategoryRules) -> Iterator[Problem]:
    category = entry.category_name
    pending = [f.name for f in entry.files if f.status in _PENDING]
    if pending:
        names = ", ".join(f'"{n}"' for n in pending)
        yield _problem(
            "files_pending",
            f"Còn tệp chưa tải lên xong hoặc chưa kiểm tra xong: {names}.",
            f"Some files are still uploading or being checked: {names}.",
        )
    work = [f for f in entry.files if f.status == "verified" and f.role == "work"]
    if not work:
        yield _problem(
            "no_files",
            "Bài dự thi cần ít nhất một tệp tác phẩm đã được kiểm tra.",
            "The entry needs at least one checked file of the work.",
        )
    if len(work) > rules.max_files:
        yield _problem(
            "too_many_files",
            f"Thể loại {category} nhận tối đa {rules.max_files} tệp tác phẩm; bài này có "
            f"{len(work)} tệp.",
            f"Category {category} takes at most {rules.max_files} work files; this entry has "
            f"{len(work)}.",
        )
    for f in work:
        yield from _file(f, rules, category)
    if rules.min_images is not None:
        images = sum(1 for f in work if f.kind is MediaKind.IMAGE)
        if images < rules.min_images:
            yield _problem(
                "too_few_images",
                f"Bộ ảnh cần ít nhất {rules.min_images} ảnh; bài này có {images} ảnh.",
                f"A photo series needs at least {rules.min_images} images; this entry has "
                f"{images}.",
            )
    yield from _series(entry, rules, work)


def _file(f: FileFacts, rules: CategoryRules, category: str) -> Iterator[Problem]:
    if f.kind is not None and f.kind not in rules.allowed_kinds:
        accepted_vi = ", ".join(KIND_NAMES[k] for k in rules.allowed_kinds)
        accepted_en = ", ".join(k.value for k in rules.allowed_kinds)
        yield _problem(
            "file_kind",
            f'Tệp "{f.name}" là tệp {KIND_NAMES[f.kind]}; thể loại {category} chỉ nhận: '
            f"{accepted_vi}.",
            f'File "{f.name}" is {f.kind.value}; category {category} accepts only: {accepted_en}.',
        )
    if f.size_bytes > rules.max_file_bytes:
        yield _problem(
            "file_too_large",
            f'Tệp "{f.name}" nặng {format_size(f.size_bytes)}, vượt giới hạn '
            f"{format_size(rules.max_file_bytes)} của thể loại {category}.",
            f'File "{f.name}" is {format_size(f.size_bytes, ".")}, over the '
            f"{format_size(rules.max_file_bytes, '.')} limit of category {category}.",
        )
    limit = rules.max_duration_seconds
    if (
        limit is not None
        and f.kind in (MediaKind.AUDIO, MediaKind.VIDEO)
        and f.duration_seconds is not None
        and whole_seconds(f.duration_seconds) > limit
    ):
        yield _problem(
            "too_long",
            f'Tệp "{f.name}" dài {format_duration(f.duration_seconds)}, vượt giới hạn '
            f"{format_duration(limit)} của thể loại {category}.",
            f'File "{f.name}" runs {duration_en(f.duration_seconds)}, over the '
            f"{duration_en(limit)} limit of category {category}.",
        )
    # Words unknown (e.g. a legacy .doc): the secretariat checks by hand, never block here.
    if (
        rules.max_words is not None
        and f.kind is MediaKind.TEXT
        and f.words is not None
        and f.words > rules.max_words
    ):
        yield _problem(
            "too_many_words",
            f'Tệp "{f.name}" có {grouped(f.words)} chữ, vượt giới hạn {grouped(rules.max_words)} '
            f"chữ của thể loại {category}.",
            f'File "{f.name}" has {grouped(f.words, ",")} words, over the '
            f"{grouped(rules.max_words, ',')}-word limit of category {category}.",
        )


def _series(
    entry: EntryFacts, rules: CategoryRules, work: Sequence[FileFacts]
) -> Iterator[Problem]:
    parts, limit = entry.series_parts, rules.max_series_parts
    if parts > limit:
        yield _problem(
            "series_too_long",
            f"Thể loại {entry.category_name} nhận loạt bài tối đa {limit} phần; bài này "
            f"khai báo {parts} phần.",
            f"Category {entry.category_name} takes series of at most {limit} parts; this "
            f"entry declares {parts}.",
        )
    for f in work:
        if f.series_part is not None and not 1 <= f.series_part <= parts:
            has_vi = f"loạt bài chỉ có {parts} phần" if parts > 1 else "bài này không chia phần"
            has_en = f"the series has only {parts} parts" if parts > 1 else "the entry has no parts"
            yield _problem(
                "series_part_out_of_range",
                f'Tệp "{f.name}" được gắn phần {f.series_part}, nhưng {has_vi}.',
                f'File "{f.name}" is marked part {f.series_part}, but {has_en}.',
            )
    if parts <= 1:
        return
    # Parts beyond the limit are not asked for: the contestant must shorten the series.
    present = {f.series_part for f in work}
    for part in range(1, min(parts, limit) + 1):
        if part not in present:
            yield _problem(
                "series_part_missing",
                f"Phần {part} của loạt bài chưa có tệp.",
                f"Part {part} of the series has no file yet.",
            )
