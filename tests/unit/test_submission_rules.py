"""Submissions' domain: media types by content, entry codes, what blocks a submission."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from services.submissions.domain.codes import entry_code
from services.submissions.domain.media import DOCX, detect_media
from services.submissions.domain.submission import FileState, submission_problems
from shared.contracts.submissions import CategoryRules, MediaKind, Phase, PhaseKind
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


NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
WINDOW = (
    Phase(
        kind=PhaseKind.SUBMISSION,
        starts_at=NOW - timedelta(days=1),
        ends_at=NOW + timedelta(days=1),
    ),
)
PHOTOS = CategoryRules(
    allowed_kinds=(MediaKind.IMAGE,), max_files=4, max_file_bytes=10, min_images=3
)


def test_a_complete_entry_has_no_problem() -> None:
    files = [FileState("verified", MediaKind.IMAGE)] * 3
    assert submission_problems(phases=WINDOW, rules=PHOTOS, files=files, now=NOW) == []


def test_every_problem_is_named_in_vietnamese() -> None:
    files = [
        FileState("verified", MediaKind.VIDEO),
        FileState("verified", MediaKind.IMAGE),
        FileState("awaiting_upload", None),
    ]
    late = NOW + timedelta(days=2)
    problems = submission_problems(phases=WINDOW, rules=PHOTOS, files=files, now=late)
    assert problems == [
        "Đã hết hạn nhận bài.",
        "Còn tệp chưa tải lên xong hoặc chưa được kiểm tra.",
        "Thể loại này không nhận loại tệp: video.",
        "Bộ ảnh cần ít nhất 3 ảnh.",
    ]
    early = submission_problems(phases=WINDOW, rules=PHOTOS, files=[], now=NOW - timedelta(days=3))
    assert early == [
        "Cuộc thi chưa mở nhận bài.",
        "Bài dự thi cần ít nhất một tệp đã được kiểm tra.",
        "Bộ ảnh cần ít nhất 3 ảnh.",
    ]
    too_many = [FileState("verified", MediaKind.IMAGE)] * 5
    assert submission_problems(phases=(), rules=PHOTOS, files=too_many, now=NOW) == [
        "Cuộc thi chưa có thời gian nhận bài.",
        "Thể loại này nhận tối đa 4 tệp.",
    ]
