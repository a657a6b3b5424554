"""Submissions' domain: media types by content, entry codes, what blocks a submission."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.submissions.domain.codes import entry_code
from services.submissions.domain.formatting import (
    LANGUAGE_NAMES,
    format_date,
    format_duration,
    format_local,
    format_size,
)
from services.submissions.domain.media import DOCX, detect_media
from services.submissions.domain.submission import (
    AuthorFacts,
    EntryFacts,
    FileFacts,
    Problem,
    submission_problems,
    submission_window,
)
from shared.contracts.submissions import (
    CategoryRules,
    Eligibility,
    MediaKind,
    Phase,
    PhaseKind,
)
from tests.support import samples


def _office(part: str) -> bytes:
    """An Office Open XML container whose main part is ``part`` (word/..., xl/...)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(part, "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind", "media_type"),
    [
        (samples.pdf(), MediaKind.TEXT, "application/pdf"),
        (_office("word/document.xml"), MediaKind.TEXT, DOCX),
        ("Bài viết về người tốt, việc tốt.\n".encode(), MediaKind.TEXT, "text/plain"),
        (samples.png(), MediaKind.IMAGE, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 40, MediaKind.IMAGE, "image/jpeg"),
        (samples.wav(), MediaKind.AUDIO, "audio/wav"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 40, MediaKind.AUDIO, "audio/mpeg"),
        (
            b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 30,
            MediaKind.VIDEO,
            "video/mp4",
        ),
        (
            b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00M4A mp42isom" + b"\x00" * 30,
            MediaKind.AUDIO,
            "audio/mp4",
        ),
        (
            b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00" * 30,
            MediaKind.VIDEO,
            "video/quicktime",
        ),
        (
            b"OggS\x00\x02" + b"\x00" * 22 + b"\x01vorbis" + b"\x00" * 30,
            MediaKind.AUDIO,
            "audio/ogg",
        ),
    ],
)
def test_media_is_recognised_by_its_bytes(content: bytes, kind: MediaKind, media_type: str) -> None:
    detected = detect_media(content)
    assert detected is not None
    assert (detected.kind, detected.media_type) == (kind, media_type)


@pytest.mark.parametrize(
    "content",
    [
        samples.windows_executable(),
        samples.html_page(),
        _office("xl/workbook.xml"),
        b"",
        b"\x00\x01\x02\x03binary junk\x00",
        b"\xc3\x28 invalid utf-8",
    ],
)
def test_anything_else_is_refused(content: bytes) -> None:
    assert detect_media(content) is None


def test_entry_codes() -> None:
    assert entry_code("ls25", "th", 42) == "LS25-TH-0042"
    assert entry_code("LS26", "BC", 12345) == "LS26-BC-12345"
    with pytest.raises(ValueError, match="start at 1"):
        entry_code("LS26", "BC", 0)


# --- what blocks a submission ----------------------------------------------------------------

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
OPENS = datetime(2026, 10, 1, 1, 0, tzinfo=UTC)  # 08:00 01/10/2026 in Việt Nam
CLOSES = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 17:00 30/11/2026 in Việt Nam
WINDOW = (
    Phase(kind=PhaseKind.ANNOUNCEMENT, starts_at=OPENS - timedelta(days=30), ends_at=OPENS),
    Phase(kind=PhaseKind.SUBMISSION, starts_at=OPENS, ends_at=CLOSES),
)
RADIO = CategoryRules(
    allowed_kinds=(MediaKind.AUDIO, MediaKind.TEXT, MediaKind.IMAGE),
    max_files=4,
    max_file_bytes=100 << 20,
    max_duration_seconds=15 * 60,
    max_words=3000,
    max_series_parts=3,
)
RULES = Eligibility(
    entries_per_author=2,
    languages=("vi", "tyz"),
    translation_required=("tyz",),
    published_from=date(2025, 11, 1),
    published_until=date(2026, 10, 31),
    unpublished_allowed=False,
)
MAI = AuthorFacts("Lộc Thị Mai", "mai@baolangson.vn")
TU = AuthorFacts("Hoàng Văn Tú", "tu@langson.gov.vn")


def file(
    name: str,
    kind: MediaKind | None,
    *,
    part: int | None = 1,
    size: int = 5 << 20,
    duration: float | None = None,
    words: int | None = None,
    status: str = "verified",
    role: str = "work",
) -> FileFacts:
    return FileFacts(name, status, role, kind, size, part, duration, words)


PART_1 = file("phan-1.mp3", MediaKind.AUDIO, part=1, duration=14 * 60 + 59)
PART_2 = file("phan-2.docx", MediaKind.TEXT, part=2, words=2999)
ENTRY = EntryFacts(
    category_name="Phát thanh",
    language="vi",
    series_parts=2,
    published_on=date(2026, 5, 19),
    authors=(MAI, TU),
    files=(PART_1, PART_2),
)


def check(
    entry: EntryFacts = ENTRY,
    *,
    now: datetime = NOW,
    phases: tuple[Phase, ...] = WINDOW,
    rules: CategoryRules = RADIO,
    eligibility: Eligibility = RULES,
    others: Mapping[str, int] | None = None,
    excluded: Mapping[str, str] | None = None,
) -> list[Problem]:
    return submission_problems(
        now=now,
        phases=phases,
        rules=rules,
        eligibility=eligibility,
        entry=entry,
        other_entries_per_author=others or {},
        excluded=excluded or {},
    )


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def with_files(*files: FileFacts, **changes: Any) -> EntryFacts:
    return replace(ENTRY, files=files, **changes)


def test_a_complete_entry_has_no_problem() -> None:
    assert check() == []


# Each case breaks one rule of the complete entry above, and only that one.
BROKEN_ALONE: list[tuple[str, dict[str, Any]]] = [
    ("no_submission_phase", {"phases": WINDOW[:1]}),
    ("not_open_yet", {"now": OPENS - timedelta(seconds=1)}),
    ("deadline_passed", {"now": CLOSES + timedelta(seconds=1)}),
    ("no_authors", {"entry": replace(ENTRY, authors=())}),
    ("excluded_person", {"excluded": {TU.email: "thành viên Ban Giám khảo"}}),
    (
        "excluded_person",
        {"eligibility": RULES.model_copy(update={"excluded_emails": (MAI.email,)})},
    ),
    ("author_quota", {"others": {MAI.email: 2}}),
    ("language", {"entry": replace(ENTRY, language="nut")}),
    ("translation_missing", {"entry": replace(ENTRY, language="tyz")}),
    ("unpublished_not_allowed", {"entry": replace(ENTRY, published_on=None)}),
    ("publication_window", {"entry": replace(ENTRY, published_on=date(2025, 10, 31))}),
    ("publication_window", {"entry": replace(ENTRY, published_on=date(2026, 11, 1))}),
    (
        "files_pending",
        {"entry": with_files(PART_1, PART_2, file("anh.jpg", None, status="verifying"))},
    ),
    ("no_files", {"entry": with_files(file("x.mp3", None, status="rejected"), series_parts=1)}),
    ("file_kind", {"entry": with_files(PART_1, PART_2, file("clip.mp4", MediaKind.VIDEO))}),
    ("too_many_files", {"entry": with_files(PART_1, PART_2, PART_2, PART_2, PART_2)}),
    ("file_too_large", {"entry": with_files(PART_1, replace(PART_2, size_bytes=(100 << 20) + 1))}),
    ("too_long", {"entry": with_files(replace(PART_1, duration_seconds=15 * 60 + 1), PART_2)}),
    ("too_many_words", {"entry": with_files(PART_1, replace(PART_2, words=3001))}),
    ("too_few_images", {"rules": RADIO.model_copy(update={"min_images": 1})}),
    ("series_too_long", {"rules": RADIO.model_copy(update={"max_series_parts": 1})}),
    ("series_part_missing", {"entry": with_files(PART_1)}),
    (
        "series_part_out_of_range",
        {"entry": with_files(PART_1, PART_2, replace(PART_2, series_part=3))},
    ),
]


@pytest.mark.parametrize(("code", "change"), BROKEN_ALONE, ids=[c for c, _ in BROKEN_ALONE])
def test_each_rule_broken_alone_gives_exactly_its_problem(
    code: str, change: dict[str, Any]
) -> None:
    problems = check(**change)
    assert codes(problems) == [code]
    vi, en = problems[0].message.split(" / ")
    assert vi and en and vi != en


def test_exactly_at_every_limit_passes() -> None:
    at_limit = with_files(
        replace(PART_1, duration_seconds=15 * 60.0, size_bytes=100 << 20),
        replace(PART_2, words=3000),
        file("anh.jpg", MediaKind.IMAGE, part=None),
        published_on=RULES.published_from,
    )
    rules = RADIO.model_copy(update={"max_files": 3, "min_images": 1})
    assert check(at_limit, rules=rules, others={MAI.email: 1, TU.email: 1}) == []
    assert check(replace(ENTRY, published_on=RULES.published_until)) == []
    assert check(now=OPENS) == [] and check(now=CLOSES) == []
    three_parts = with_files(PART_1, PART_2, replace(PART_2, series_part=3), series_parts=3)
    assert check(three_parts) == []  # a series exactly as long as allowed


def test_durations_count_in_whole_seconds() -> None:
    """A 15:00 export that the container reports as 900.4 s is 15 minutes."""
    assert check(with_files(replace(PART_1, duration_seconds=900.4), PART_2)) == []
    [problem] = check(with_files(replace(PART_1, duration_seconds=900.6), PART_2))
    assert "dài 15 phút 01 giây" in problem.message


def test_deadline_boundaries_and_local_times_in_messages() -> None:
    [late] = check(now=CLOSES + timedelta(microseconds=1))
    assert late.message == (
        "Đã hết hạn nhận bài (hạn chót 17:00 30/11/2026). / "
        "The submission deadline (17:00 30/11/2026) has passed."
    )
    [early] = check(now=OPENS - timedelta(microseconds=1))
    assert "bắt đầu nhận bài từ 08:00 01/10/2026" in early.message


def test_coauthorship_counts_towards_the_quota() -> None:
    # Hoàng Văn Tú co-authored two other entries: this third one is over the limit of 2.
    [problem] = check(others={"TU@langson.gov.vn ": 2, MAI.email: 1})
    assert problem.code == "author_quota"
    assert "Tác giả Hoàng Văn Tú đã có tên trong 2 bài dự thi khác" in problem.message
    assert "tối đa 2 bài (tính cả bài đồng tác giả)" in problem.message
    both = check(others={MAI.email: 5, TU.email: 2})
    assert [p.code for p in both] == ["author_quota", "author_quota"]
    assert "Lộc Thị Mai" in both[0].message and "Hoàng Văn Tú" in both[1].message
    # The same person listed twice is judged once.
    twice = replace(ENTRY, authors=(MAI, AuthorFacts("Lộc Thị Mai", "Mai@BaoLangSon.vn")))
    assert codes(check(twice, others={MAI.email: 2})) == ["author_quota"]


def test_excluded_people_are_named_with_their_role() -> None:
    problems = check(
        excluded={TU.email: "thành viên Ban Giám khảo"},
        eligibility=RULES.model_copy(update={"excluded_emails": (MAI.email,)}),
    )
    assert [p.message for p in problems] == [
        "Tác giả Lộc Thị Mai không được dự thi (thuộc diện không được dự thi theo thể lệ). / "
        "Author Lộc Thị Mai may not enter (excluded by the contest rules).",
        "Tác giả Hoàng Văn Tú không được dự thi (thành viên Ban Giám khảo). / "
        "Author Hoàng Văn Tú may not enter (a member of the jury).",
    ]
    [secretary] = check(excluded={MAI.email: "thành viên Tổ Thư ký"})
    assert secretary.message.endswith("(a member of the secretariat).")
    [other] = check(excluded={MAI.email: "cố vấn"})  # an unknown label is shown as given
    assert other.message.endswith("Author Lộc Thị Mai may not enter (cố vấn).")


def test_file_messages_name_the_file_and_the_limit() -> None:
    long = replace(PART_1, name="phong-su.mp4", kind=MediaKind.AUDIO, duration_seconds=1025)
    big = replace(PART_2, size_bytes=int(12.5 * (1 << 20)), words=3500)
    rules = RADIO.model_copy(update={"max_file_bytes": 10 << 20})
    messages = [p.message for p in check(with_files(long, big), rules=rules)]
    assert messages == [
        'Tệp "phong-su.mp4" dài 17 phút 05 giây, vượt giới hạn 15 phút của thể loại Phát thanh.'
        ' / File "phong-su.mp4" runs 17 min 05 s, over the 15 min limit of category Phát thanh.',
        'Tệp "phan-2.docx" nặng 12,5 MiB, vượt giới hạn 10 MiB của thể loại Phát thanh. / '
        'File "phan-2.docx" is 12.5 MiB, over the 10 MiB limit of category Phát thanh.',
        'Tệp "phan-2.docx" có 3.500 chữ, vượt giới hạn 3.000 chữ của thể loại Phát thanh. / '
        'File "phan-2.docx" has 3,500 words, over the 3,000-word limit of category Phát thanh.',
    ]
    [kind] = check(with_files(PART_1, PART_2, file("clip.mp4", MediaKind.VIDEO)))
    assert 'Tệp "clip.mp4" là tệp video; thể loại Phát thanh chỉ nhận: âm thanh, văn bản, ảnh.' in (
        kind.message
    )
    [missing] = check(with_files(PART_2))
    assert missing.message.startswith("Phần 1 của loạt bài chưa có tệp.")
    [pending] = check(with_files(PART_1, PART_2, file("phan-3.wav", None, status="uploading")))
    assert pending.message.startswith(
        'Còn tệp chưa tải lên xong hoặc chưa kiểm tra xong: "phan-3.wav".'
    )


def test_only_verified_work_files_count() -> None:
    gone = [
        replace(PART_1, status="rejected", kind=MediaKind.VIDEO, size_bytes=1 << 40),
        replace(PART_2, status="cancelled", words=10**6),
    ]
    # Rejected and cancelled files neither block nor count towards the limit of 4.
    assert check(with_files(PART_1, PART_2, *gone, *gone)) == []
    # A translation is not a work file: no kind, count or size rule applies to it.
    translation = file("ban-dich.mp4", MediaKind.VIDEO, role="translation", size=1 << 40)
    assert check(with_files(PART_1, PART_2, translation, translation, translation)) == []
    # A legacy .doc whose words could not be counted does not block.
    assert check(with_files(PART_1, replace(PART_2, words=None))) == []
    # Words limit texts, durations limit sound and video: nothing else.
    odd = [replace(PART_1, words=10**6), replace(PART_2, duration_seconds=10**6)]
    assert check(with_files(*odd)) == []


def test_works_in_a_minority_language_need_a_verified_translation() -> None:
    tay = replace(ENTRY, language="tyz")
    [problem] = check(tay)
    assert problem.message.startswith("Tác phẩm bằng tiếng Tày cần kèm bản dịch tiếng Việt.")
    pending = file("ban-dich.docx", MediaKind.TEXT, role="translation", status="verifying")
    assert codes(check(with_files(PART_1, PART_2, pending, language="tyz"))) == [
        "translation_missing",
        "files_pending",
    ]
    done = replace(pending, status="verified")
    assert check(with_files(PART_1, PART_2, done, language="tyz")) == []
    [other] = check(replace(ENTRY, language="nut"))
    assert "không nhận bài viết bằng tiếng Nùng; chỉ nhận: tiếng Việt, tiếng Tày." in other.message
    assert LANGUAGE_NAMES["ium"] == "tiếng Dao"


def test_publication_dates_in_messages() -> None:
    [outside] = check(replace(ENTRY, published_on=date(2026, 11, 1)))
    assert "đăng, phát ngày 01/11/2026" in outside.message
    assert "(từ 01/11/2025 đến 31/10/2026)" in outside.message
    only_until = RULES.model_copy(update={"published_from": None})
    [late] = check(replace(ENTRY, published_on=date(2026, 11, 1)), eligibility=only_until)
    assert "(đến hết 31/10/2026)" in late.message
    anything = RULES.model_copy(
        update={"published_from": None, "published_until": None, "unpublished_allowed": True}
    )
    assert check(replace(ENTRY, published_on=None), eligibility=anything) == []
    assert check(replace(ENTRY, published_on=date(1990, 1, 1)), eligibility=anything) == []


PHOTOS = CategoryRules(
    allowed_kinds=(MediaKind.IMAGE,), max_files=4, max_file_bytes=10 << 20, min_images=3
)
PHOTO = file("anh.jpg", MediaKind.IMAGE, part=None, size=1 << 20)
PHOTO_ENTRY = with_files(PHOTO, PHOTO, PHOTO, category_name="Ảnh báo chí", series_parts=1)


def test_a_complete_photo_series_has_no_problem() -> None:
    assert check(PHOTO_ENTRY, rules=PHOTOS) == []


def test_every_problem_is_reported_at_once_in_order() -> None:
    mixed = replace(
        PHOTO_ENTRY,
        files=(
            file("clip.mp4", MediaKind.VIDEO, part=None),
            PHOTO,
            file("anh-2.jpg", None, status="uploading"),
        ),
    )
    late = CLOSES + timedelta(days=2)
    assert codes(check(mixed, rules=PHOTOS, now=late)) == [
        "deadline_passed",
        "files_pending",
        "file_kind",
        "too_few_images",
    ]
    early = check(replace(PHOTO_ENTRY, files=()), rules=PHOTOS, now=OPENS - timedelta(days=3))
    assert codes(early) == ["not_open_yet", "no_files", "too_few_images"]
    assert "Bộ ảnh cần ít nhất 3 ảnh; bài này có 0 ảnh." in early[2].message
    too_many = replace(PHOTO_ENTRY, files=(PHOTO,) * 5)
    [none, many] = check(too_many, rules=PHOTOS, phases=())
    assert (none.code, many.code) == ("no_submission_phase", "too_many_files")
    assert "Thể loại Ảnh báo chí nhận tối đa 4 tệp tác phẩm; bài này có 5 tệp." in many.message


def test_formatters() -> None:
    assert format_duration(1025) == "17 phút 05 giây"
    assert format_duration(900) == "15 phút"
    assert format_duration(59.4) == "59 giây"
    assert format_duration(59.5) == "1 phút"
    assert format_duration(3725) == "62 phút 05 giây"
    with pytest.raises(ValueError, match="not a duration"):
        format_duration(-1)
    assert format_local(CLOSES) == "17:00 30/11/2026"
    assert format_local(datetime(2026, 12, 31, 17, 30, tzinfo=UTC)) == "00:30 01/01/2027"
    assert format_local(CLOSES, "UTC") == "10:00 30/11/2026"
    with pytest.raises(ValueError, match="naive"):
        format_local(datetime(2026, 1, 1))
    assert format_date(date(2026, 3, 8)) == "08/03/2026"
    assert format_size(int(12.5 * (1 << 20))) == "12,5 MiB" and format_size(999) == "999 byte"
    assert submission_window(WINDOW) is WINDOW[1] and submission_window(WINDOW[:1]) is None


# --- properties over random entries ----------------------------------------------------------

SIMPLE = CategoryRules(
    allowed_kinds=(MediaKind.AUDIO, MediaKind.TEXT),
    max_files=3,
    max_file_bytes=1000,
    max_duration_seconds=600,
    max_words=500,
    max_series_parts=2,
)
# Any value of each field, limits included; SIMPLE's limits are 1000 bytes, 600 s, 500 words.
ANY_FIELD: dict[str, st.SearchStrategy[Any]] = {
    "status": st.sampled_from(["uploading", "verifying", "verified", "rejected", "cancelled"]),
    "role": st.sampled_from(["work", "translation"]),
    "kind": st.one_of(st.none(), st.sampled_from(list(MediaKind))),
    "size_bytes": st.sampled_from([0, 999, 1000, 1001, 5000]),
    "series_part": st.sampled_from([None, 1, 2, 3]),
    "duration_seconds": st.sampled_from([None, 0.0, 600.0, 600.49, 600.5, 601.0, 7200.0]),
    "words": st.sampled_from([None, 0, 500, 501, 10_000]),
}
any_file = st.builds(FileFacts, name=st.just("x.bin"), **ANY_FIELD)


@st.composite
def random_entries(draw: st.DrawFn) -> EntryFacts:
    """Entries near the limits: files that are fine (values up to exactly the limit, parts
    in turn), some with one field set to anything, so both outcomes are common."""
    parts = draw(st.sampled_from([1, 1, 2, 2, 3]))
    files: list[FileFacts] = []
    for i in range(draw(st.integers(0, 5))):
        fine = FileFacts(
            name=f"tep-{i}",
            status="verified",
            role="work",
            kind=draw(st.sampled_from([MediaKind.AUDIO, MediaKind.TEXT, None])),
            size_bytes=draw(st.sampled_from([0, 1000])),
            series_part=None if parts == 1 and draw(st.booleans()) else i % min(parts, 2) + 1,
            duration_seconds=draw(st.sampled_from([None, 600.0, 600.49])),
            words=draw(st.sampled_from([None, 500])),
        )
        if draw(st.integers(0, 3)) == 0:
            field = draw(st.sampled_from(sorted(ANY_FIELD)))
            fine = replace(fine, **{field: draw(ANY_FIELD[field])})
        files.append(fine)
    return EntryFacts(
        category_name="Phát thanh",
        language=draw(st.sampled_from(["vi", "vi", "tyz"])),
        series_parts=parts,
        published_on=date(2026, 5, 19),
        authors=(MAI,),
        files=tuple(files),
    )


def acceptable(entry: EntryFacts) -> bool:
    """The rules restated plainly, independently of the implementation."""
    work = [f for f in entry.files if f.status == "verified" and f.role == "work"]
    translated = any(f.status == "verified" and f.role == "translation" for f in entry.files)
    parts = {f.series_part for f in work}
    return (
        not any(f.status in ("uploading", "verifying") for f in entry.files)
        and 0 < len(work) <= 3
        and (entry.language == "vi" or translated)
        and entry.series_parts <= 2
        and (entry.series_parts == 1 or {1, 2} <= parts)
        and all(
            (f.kind is None or f.kind in (MediaKind.AUDIO, MediaKind.TEXT))
            and f.size_bytes <= 1000
            and not (f.kind is MediaKind.AUDIO and (f.duration_seconds or 0) >= 600.5)
            and not (f.kind is MediaKind.TEXT and (f.words or 0) > 500)
            and (f.series_part is None or f.series_part <= entry.series_parts)
            for f in work
        )
    )


@settings(max_examples=300, deadline=None)
@given(random_entries())
def test_no_problem_exactly_when_every_rule_holds(entry: EntryFacts) -> None:
    problems = check(entry, rules=SIMPLE)
    assert (problems == []) == acceptable(entry)
    for p in problems:
        vi, en = p.message.split(" / ")
        assert p.code and vi.strip() and en.strip()


@settings(max_examples=200, deadline=None)
@given(random_entries(), st.randoms(use_true_random=False), st.lists(any_file, max_size=5))
def test_order_of_files_does_not_matter_and_more_files_never_fix_a_count(
    entry: EntryFacts, rnd: Random, extra: list[FileFacts]
) -> None:
    before = codes(check(entry, rules=SIMPLE))
    shuffled = list(entry.files)
    rnd.shuffle(shuffled)
    assert sorted(codes(check(replace(entry, files=tuple(shuffled)), rules=SIMPLE))) == sorted(
        before
    )
    more = codes(check(replace(entry, files=(*entry.files, *extra)), rules=SIMPLE))
    if "too_many_files" in before:
        assert "too_many_files" in more


def test_an_mp4_holding_only_sound_is_audio(tmp_path: Path) -> None:
    from services.submissions.domain.media import HEAD_BYTES, detect_media
    from tests.support.media_samples import mp3_or_m4a_audio

    path = mp3_or_m4a_audio(tmp_path / "phong-van.m4a")
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    detected = detect_media(head)
    assert detected is not None
    assert (detected.kind.value, detected.media_type) == ("audio", "audio/mp4")


def test_an_accepted_entry_is_in_judging_during_the_rounds_then_has_results() -> None:
    from services.submissions.domain.submission import life_stage

    day = timedelta(days=1)
    start = datetime(2027, 2, 5, tzinfo=UTC)
    phases = [
        Phase(kind=PhaseKind.PRELIMINARY_ROUND, starts_at=start, ends_at=start + 10 * day),
        Phase(kind=PhaseKind.RESULTS, starts_at=start + 30 * day, ends_at=start + 31 * day),
    ]
    assert life_stage("accepted", phases, start - day) == "accepted"
    assert life_stage("accepted", phases, start) == "in_judging"
    assert life_stage("accepted", phases, start + 30 * day) == "results"
    assert life_stage("submitted", phases, start + 30 * day) == "submitted"
    assert life_stage("rejected", phases, start + 30 * day) == "rejected"
