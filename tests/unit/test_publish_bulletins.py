"""Loudspeaker bulletin rules without I/O: options an organizer sets (priority, commune codes,
validity window, length), the script read from a work, cutting a text at a sentence, and the
manifest, checked by our rules and by its JSON Schema alike."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from services.publish.domain import bulletins as rules

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[2] / "services/publish/bulletins/manifest.schema.json"
    ).read_text(encoding="utf-8")
)
NOW = datetime(2026, 11, 26, 5, 30, tzinfo=UTC)


def schema_errors(manifest: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [e.message for e in validator.iter_errors(manifest)]


def manifest(**changes: Any) -> dict[str, Any]:
    built = rules.build_manifest(
        bulletin="PT-001-0123456789ab",
        title="Người thầy cắm bản ở Khòn Pổ",
        summary="Chuyện về người thầy giáo cắm bản ở xã Khánh Khê.",
        contest="Cuộc thi viết về gương người tốt, việc tốt tỉnh Lạng Sơn",
        organizer="Sở Văn hóa, Thể thao và Du lịch tỉnh Lạng Sơn",
        work_code="PT-001",
        page_url="https://lantoa.vn/giai/PT-001",
        category="Phát thanh",
        tier="Giải A",
        priority="normal",
        valid_from=NOW,
        valid_until=NOW + timedelta(days=7),
        communes=["06253", "06256"],
        audio=rules.AudioFacts(
            duration_seconds=182.5,
            bitrate=96000,
            sample_rate=44100,
            channels=1,
            size_bytes=2_190_000,
            sha256="a" * 64,
            origin="audio",
            excerpt=False,
        ),
        script=rules.ScriptFacts(sha256="b" * 64, characters=420, excerpt=False, read_aloud=False),
        credits=["Nguyễn Thị Hoà (Báo Lạng Sơn)"],
        about=["Hoàng Văn Thụ"],
        created_at=NOW,
    )
    for path, value in changes.items():
        target = built
        *parents, last = path.split("__")
        for parent in parents:
            target = target[parent]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return built


DELETE = object()


def test_a_built_manifest_passes_both_the_schema_and_our_rules() -> None:
    built = manifest()
    assert schema_errors(built) == []
    assert rules.manifest_problems(built) == []
    assert built["valid_from"] == "2026-11-26T12:30:00+07:00"
    assert built["valid_until"] == "2026-12-03T12:30:00+07:00"
    assert built["version"] == 1 and built["replaces"] is None and built["status"] == "active"
    assert built["priority_label"] == "Thông thường"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target_communes": []}, "target_communes"),
        ({"target_communes": ["06253", "1234a"]}, "target_communes"),
        ({"target_communes": ["6253"]}, "target_communes"),
        ({"target_communes": ["06253", "06253"]}, "target_communes"),
        ({"priority": "urgent"}, "priority"),
        ({"priority_label": "Khẩn cấp"}, "priority_label"),
        ({"status": "paused"}, "status"),
        ({"status": "canceled"}, "canceled_at"),
        ({"canceled_at": "2026-11-26T12:30:00+07:00"}, "canceled_at"),
        ({"valid_from": "2026-11-26T05:30:00+00:00"}, "valid_from"),
        ({"version": 0}, "version"),
        ({"version": 2}, "replaces"),
        ({"replaces": {"version": 1, "sha256": "c" * 64}}, "replaces"),
        ({"bulletin_id": "../etc"}, "bulletin_id"),
        ({"title": ""}, "title"),
        ({"audio__media_type": "audio/wav"}, "audio"),
        ({"audio__sample_rate": 22050}, "audio"),
        ({"audio__sha256": "xyz"}, "audio"),
        ({"audio__duration_seconds": 0}, "audio"),
        ({"audio__origin": "radio"}, "audio"),
        ({"script__characters": 0}, "script"),
        ({"script": DELETE}, "script"),
        ({"language": "en"}, "language"),
        ({"source__organizer": " "}, "source"),
    ],
)
def test_each_bad_manifest_is_refused_by_the_schema_and_by_our_rules(
    change: dict[str, Any], field: str
) -> None:
    bad = manifest(**change)
    assert schema_errors(bad), f"the schema accepts a bad {field}"
    problems = rules.manifest_problems(bad)
    assert problems, f"our rules accept a bad {field}"


def test_the_window_rules_say_what_is_wrong_in_vietnamese_first() -> None:
    """A JSON Schema cannot compare two times: the window is our rules' part."""
    backwards = manifest(valid_until="2026-11-26T12:00:00+07:00")
    assert any(
        p.startswith("Thời điểm hết hiệu lực phải sau") for p in rules.manifest_problems(backwards)
    )
    too_long = manifest(valid_until="2027-06-01T12:00:00+07:00")
    assert any("tối đa 90 ngày" in p for p in rules.manifest_problems(too_long))


def test_a_canceled_version_names_the_one_it_replaces_and_passes_the_schema() -> None:
    first = manifest()
    text = json.dumps(first, ensure_ascii=False)
    later = NOW + timedelta(hours=3)
    canceled = rules.canceled_manifest(first, rules.manifest_sha256(text), later)
    assert canceled["status"] == "canceled"
    assert canceled["version"] == 2
    assert canceled["replaces"] == {"version": 1, "sha256": rules.manifest_sha256(text)}
    assert canceled["canceled_at"] == "2026-11-26T15:30:00+07:00"
    assert canceled["audio"] == first["audio"] and canceled["bulletin_id"] == first["bulletin_id"]
    assert schema_errors(canceled) == [] and rules.manifest_problems(canceled) == []
    assert first["status"] == "active"  # the earlier version is left as it was


def test_a_republished_manifest_is_the_next_version() -> None:
    first = manifest()
    again = rules.build_manifest(
        **{
            **_arguments(first),
            "previous": first,
            "previous_sha256": "d" * 64,
        }
    )
    assert again["version"] == 2 and again["replaces"] == {"version": 1, "sha256": "d" * 64}
    assert schema_errors(again) == [] and rules.manifest_problems(again) == []


def _arguments(built: dict[str, Any]) -> dict[str, Any]:
    return {
        "bulletin": built["bulletin_id"],
        "title": built["title"],
        "summary": built["summary"],
        "contest": built["source"]["contest"],
        "organizer": built["source"]["organizer"],
        "work_code": built["source"]["work_code"],
        "page_url": built["source"]["url"],
        "category": built["category"],
        "tier": built["tier"],
        "priority": "emergency",
        "valid_from": NOW,
        "valid_until": NOW + timedelta(days=1),
        "communes": ["06253"],
        "audio": rules.AudioFacts(10.0, 96000, 48000, 1, 1000, "e" * 64, "tts", True),
        "script": rules.ScriptFacts("f" * 64, 10, True, True),
        "credits": [],
        "about": [],
        "created_at": NOW,
    }


# --- options ---------------------------------------------------------------------------------


def test_options_take_defaults_and_codes_from_text() -> None:
    options, problems = rules.parse_options({"communes": "06253, 06256;06259\n06262"})
    assert problems == []
    assert options is not None
    assert options.communes == ("06253", "06256", "06259", "06262")
    assert options.priority == "normal"
    assert (options.validity_days, options.max_minutes) == (7, 10)
    start, end = rules.resolve_window(options, NOW)
    assert start.isoformat() == "2026-11-26T12:30:00+07:00"
    assert end - start == timedelta(days=7)


def test_set_times_without_an_offset_are_vietnam_time() -> None:
    options, _ = rules.parse_options(
        {"communes": ["06253"], "valid_from": "2026-12-01T07:00", "valid_until": "2026-12-02"}
    )
    assert options is not None
    start, end = rules.resolve_window(options, NOW)
    assert start.isoformat() == "2026-12-01T07:00:00+07:00"
    assert end.isoformat() == "2026-12-02T00:00:00+07:00"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"communes": ["06253", "1234a"]}, "“1234a”"),
        ({"communes": []}, "Cần ít nhất một mã xã"),
        ({}, "Cần ít nhất một mã xã"),
        ({"communes": ["06253", "06253"]}, "Mã xã bị lặp: 06253"),
        ({"communes": ["06253"], "priority": "urgent"}, "Mức ưu tiên “urgent” không có"),
        (
            {"communes": ["06253"], "valid_from": "2026-12-02", "valid_until": "2026-12-01"},
            "Thời điểm hết hiệu lực phải sau thời điểm bắt đầu",
        ),
        (
            {"communes": ["06253"], "valid_from": "2026-12-01", "valid_until": "2027-12-01"},
            "tối đa 90 ngày",
        ),
        ({"communes": ["06253"], "valid_from": "mai"}, "không đúng dạng ISO 8601"),
        ({"communes": ["06253"], "validity_days": 0}, "Số ngày hiệu lực"),
        ({"communes": ["06253"], "validity_days": "bảy"}, "Số ngày hiệu lực"),
        ({"communes": ["06253"], "max_minutes": 45}, "Độ dài tối đa"),
        ({"communes": ["06253"], "max_minutes": True}, "Độ dài tối đa"),
    ],
)
def test_bad_options_are_explained_vietnamese_first(
    settings: dict[str, Any], expected: str
) -> None:
    options, problems = rules.parse_options(settings)
    assert options is None
    assert any(expected in p for p in problems), problems
    assert all(" / " in p for p in problems)  # Vietnamese, then English


@pytest.mark.parametrize(
    ("address", "kind", "where"),
    [
        ("", "default", ""),
        ("s3://", "storage", "bulletins"),
        ("s3://ban-tin/lang-son/", "storage", "ban-tin/lang-son"),
        ("/srv/ban-tin/", "folder", "/srv/ban-tin"),
        ("file:///srv/ban-tin", "folder", "/srv/ban-tin"),
    ],
)
def test_addresses(address: str, kind: str, where: str) -> None:
    destination, problems = rules.parse_address(address)
    assert problems == []
    assert destination == rules.Destination(kind, where)


@pytest.mark.parametrize(
    "address", ["s3://a/../b", "s3://bản-tin", "ban-tin", "/srv/../etc", "https://x.vn"]
)
def test_bad_addresses_are_refused(address: str) -> None:
    destination, problems = rules.parse_address(address)
    assert destination is None
    assert problems and " / " in problems[0]


def test_bulletin_ids_are_stable_per_work_and_outlet_and_folder_safe() -> None:
    one = rules.bulletin_id("PT-001", "entry-PT-0001", "outlet-1")
    assert one == rules.bulletin_id("PT-001", "entry-PT-0001", "outlet-1")
    assert one != rules.bulletin_id("PT-001", "entry-PT-0001", "outlet-2")
    assert one.startswith("PT-001-")
    odd = rules.bulletin_id("../Bài 1/ü", "e", "o")
    assert "/" not in odd and ".." not in odd
    assert rules.manifest_problems(manifest(bulletin_id=odd)) == []
    assert rules.safe_file_name("../../etc/passwd", "x") == "passwd"
    assert rules.safe_file_name("Bài dự thi.mp4", "x") == "B_i_d_thi.mp4"


# --- script ----------------------------------------------------------------------------------

TEXT = (
    "Thầy Hoàng Văn Thụ đã cắm bản mười năm ở Khòn Pổ. Mỗi sáng thầy lội suối đến trường! "
    "Học trò người Tày, người Nùng gọi thầy là “bố”… Thầy cười: “Các em là con của bản.” "
    "Năm nay cả lớp đều lên cấp hai."
)


def test_a_text_is_cut_at_a_sentence_and_keeps_its_diacritics() -> None:
    for limit in range(40, len(TEXT)):
        cut, excerpt = rules.cut_at_sentence(TEXT, limit)
        assert excerpt and len(cut) <= limit + 1
        assert TEXT.startswith(cut.removesuffix("…"))
        assert unicodedata.is_normalized("NFC", cut)
    cut, _ = rules.cut_at_sentence(TEXT, 100)
    assert (
        cut
        == "Thầy Hoàng Văn Thụ đã cắm bản mười năm ở Khòn Pổ. Mỗi sáng thầy lội suối đến trường!"
    )
    cut, _ = rules.cut_at_sentence(TEXT, 150)
    assert cut.endswith("gọi thầy là “bố”…")
    cut, _ = rules.cut_at_sentence(TEXT, 170)
    assert cut.endswith("“Các em là con của bản.”")
    assert rules.cut_at_sentence(TEXT, 1000) == (TEXT, False)


def test_a_decomposed_text_is_composed_before_cutting() -> None:
    decomposed = unicodedata.normalize("NFD", TEXT)
    cut, _ = rules.cut_at_sentence(decomposed, 60)
    assert cut == "Thầy Hoàng Văn Thụ đã cắm bản mười năm ở Khòn Pổ."


def test_a_sentence_with_no_end_in_reach_is_cut_at_a_word() -> None:
    cut, excerpt = rules.cut_at_sentence("Một câu rất dài không có dấu chấm nào cả " * 5, 50)
    assert excerpt and cut.endswith("…") and " " not in cut[-2:]
    assert len(cut) <= 51


def test_the_script_of_a_text_work_reads_title_authors_text_and_source() -> None:
    script = rules.script_for(
        title="Người thầy cắm bản",
        credits=["Nguyễn Thị Hoà (Báo Lạng Sơn)", "Lý Văn Tú"],
        tier_name="Giải A",
        category_name="Báo in, báo điện tử",
        contest_title="Cuộc thi viết về gương người tốt, việc tốt tỉnh Lạng Sơn",
        synopsis="Tóm tắt.",
        body_text=TEXT + "\n\n" + TEXT,
        read_body=True,
        max_characters=400,
    )
    lines = script.text.strip().split("\n\n")
    assert lines[0] == "Người thầy cắm bản."
    assert lines[1] == "Giải A, thể loại Báo in, báo điện tử."
    assert lines[2] == "Tác giả: Nguyễn Thị Hoà (Báo Lạng Sơn), Lý Văn Tú."
    assert lines[-1] == "Nguồn: Cuộc thi viết về gương người tốt, việc tốt tỉnh Lạng Sơn."
    assert script.excerpt and script.read_aloud
    assert "(Trích)" in lines[-2]
    assert len(script.text) <= 400 + 80  # the excerpt's note
    body = "\n\n".join(lines[3:-2])
    assert TEXT.startswith(body) and body.endswith((".", "!", "”", "…"))


def test_the_script_of_a_recording_is_a_summary() -> None:
    script = rules.script_for(
        title="Tiếng loa bản Khòn Pổ",
        credits=[],
        tier_name="Giải B",
        category_name="Phát thanh",
        contest_title="Cuộc thi",
        synopsis="Chuyện về người thầy giáo cắm bản",
        body_text="Lời bình dài…",
        read_body=False,
        max_characters=100,
    )
    assert "Nội dung: Chuyện về người thầy giáo cắm bản." in script.text
    assert "Lời bình" not in script.text and "Tác giả" not in script.text
    assert not script.excerpt and not script.read_aloud


def test_speech_pieces_split_between_sentences_and_lose_no_words() -> None:
    long_text = "\n\n".join([TEXT] * 20)
    pieces = rules.speech_chunks(long_text, size=120)
    assert all(len(p) <= 120 for p in pieces)
    assert " ".join(pieces).split() == long_text.split()
    assert all(p.endswith((".", "!", "”", "…")) for p in pieces)
    words = "từ " * 100
    assert " ".join(rules.speech_chunks(words, size=50)).split() == words.split()


def test_priority_labels() -> None:
    assert rules.priority_label("emergency") == "Khẩn cấp / Emergency"
    assert rules.priority_label("priority") == "Ưu tiên / Priority"
    assert rules.priority_label("normal") == "Thông thường / Normal"
