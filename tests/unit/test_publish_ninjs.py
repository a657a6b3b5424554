"""ninjs items of winning works, news and exemplars, checked against the JSON Schemas written
from the IPTC ninjs 3.0 and 2.1 specifications: what a work without consent, a retracted work
and a full work carry."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from services.publish.domain import ninjs
from services.publish.domain.site import MediaFile, WorkRecord

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "ninjs"
BASE = "https://lantoa.example.vn"
APPROVED = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def _date_time(value: object) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


def _uri(value: object) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme)


# jsonschema checks these two formats only with optional packages; these do the same here.
FORMATS = jsonschema.FormatChecker()
FORMATS.checkers["date-time"] = (_date_time, ValueError)
FORMATS.checkers["uri"] = (_uri, ValueError)


def errors(item: dict[str, Any], version: str) -> list[str]:
    schema = json.loads((SCHEMAS / f"ninjs-{version}.schema.json").read_text())
    check = jsonschema.Draft202012Validator(schema, format_checker=FORMATS)
    return [f"{list(e.path)}: {e.message}" for e in check.iter_errors(item)]


def work(**changes: Any) -> WorkRecord:
    values: dict[str, Any] = {
        "entry_id": "entry-1",
        "code": "TH-001",
        "title": "Thầy giáo cắm bản ở Khòn Pổ",
        "contest_id": "c1",
        "contest_code": "NTVT",
        "contest_title": "Cuộc thi người tốt, việc tốt",
        "category_code": "TH",
        "category_name": "Truyền hình",
        "tier_code": "A",
        "tier_name": "Giải A",
        "prize_vnd": 10_000_000,
        "language": "vi",
        "synopsis": "Hai mươi năm lội suối đón học trò.",
        "authors": (
            {"full_name": "Lộc Thị Mai", "pen_name": "Mai Lộc", "organisation": "Đài PT-TH"},
        ),
        "exemplars": (
            {"name": "Hoàng Văn Thụ", "collective": False, "exemplar_id": "GD-0042"},
            {"name": "Trường PTDTBT Khánh Khê", "collective": True, "exemplar_id": ""},
        ),
        "district": "Văn Quan",
        "publication": None,
        "consent": True,
        "files": (
            MediaFile(
                1, "video", "video/mp4", 123_456, "k/v.mp4", "TH-001-1.mp4", None, 61.5, 1280, 720
            ),
            MediaFile(
                2, "photo", "image/jpeg", 2_048, "k/p.jpg", "TH-001-2.jpg", width=800, height=600
            ),
        ),
        "body_text": "Đoạn một có dấu: Đường lên bản.\n\nĐoạn hai.",
        "approved_at": APPROVED,
        "updated_at": APPROVED + timedelta(hours=1),
    }
    values.update(changes)
    return WorkRecord(**values)


@pytest.mark.parametrize("version", ["3.0", "2.1"])
def test_a_full_work_is_valid_and_carries_text_media_and_people(version: str) -> None:
    item = ninjs.build_item(work(), BASE, version)
    assert errors(item, version) == []

    def k(name: str) -> str:
        return name.lower() if version == "2.1" else name

    assert item["uri"] == "urn:lantoa:publish:work:TH-001"
    assert item["type"] == "composite" and item["language"] == "vi"
    assert item[k("pubStatus")] == "usable"
    assert item[k("firstCreated")] == "2026-11-20T03:00:00Z"
    assert item["standard"]["version"] == version
    assert {
        "name": "Hoàng Văn Thụ",
        "rel": "about",
        "uri": f"{BASE}/phong-bao-chi/GD-0042",
        "literal": "GD-0042",
    } in item["people"]
    assert {"name": "Lộc Thị Mai", "rel": "creator"} in item["people"]
    assert {"name": "Trường PTDTBT Khánh Khê", "rel": "about"} in item["organisations"]
    video = item["renditions"][0]
    assert video["href"] == f"{BASE}/media/TH-001/1"
    assert video[k("contentType")] == "video/mp4" and video[k("sizeInBytes")] == 123_456
    assert video["duration"] == 61.5 and (video["width"], video["height"]) == (1280, 720)
    assert item["bodies"][0]["value"] == "Đoạn một có dấu: Đường lên bản.\n\nĐoạn hai."
    assert item["by"] == "Lộc Thị Mai (bút danh Mai Lộc, Đài PT-TH)"


def test_version_2_1_uses_lower_case_names_only() -> None:
    item = ninjs.build_item(work(), BASE, "2.1")
    text = json.dumps(item)
    for name in ("pubStatus", "versionCreated", "contentType", "sizeInBytes", "copyrightHolder"):
        assert f'"{name}"' not in text
    assert errors(ninjs.build_item(work(), BASE, "3.0"), "2.1") != []  # the names differ


@pytest.mark.parametrize("version", ["3.0", "2.1"])
def test_without_consent_only_title_authors_and_tier(version: str) -> None:
    item = ninjs.build_item(work(consent=False), BASE, version)
    assert errors(item, version) == []
    assert "bodies" not in item and "renditions" not in item
    assert item["type"] == "text"
    assert item["representationtype" if version == "2.1" else "representationType"] == "partial"
    assert item["headlines"][0]["value"] == "Thầy giáo cắm bản ở Khòn Pổ"
    text = json.dumps(item, ensure_ascii=False)
    assert "Đoạn một" not in text and "Hai mươi năm" not in text and "Hoàng Văn Thụ" not in text
    assert [p["rel"] for p in item["people"]] == ["creator"]


def test_a_retracted_work_is_canceled_without_its_content() -> None:
    gone = APPROVED + timedelta(days=2)
    item = ninjs.build_item(
        work(retracted_at=gone, updated_at=gone, retraction_reason="Gỡ theo kết quả mới"), BASE
    )
    assert errors(item, "3.0") == []
    assert item["pubStatus"] == "canceled" and item["versionCreated"] == "2026-11-22T03:00:00Z"
    assert "bodies" not in item and "renditions" not in item
    assert item["edNote"] == "Gỡ theo kết quả mới"


@pytest.mark.parametrize("version", ["3.0", "2.1"])
def test_news_and_exemplars_are_valid_items(version: str) -> None:
    news = ninjs.news_item(
        "n1",
        "Công bố kết quả",
        "Tóm tắt",
        "<p>Nội dung</p>",
        published=APPROVED,
        updated=APPROVED,
        withdrawn=False,
        url=f"{BASE}/tin",
        version=version,
    )
    assert errors(news, version) == []
    withdrawn = ninjs.news_item(
        "n1",
        "Công bố kết quả",
        "",
        "<p>x</p>",
        published=APPROVED,
        updated=APPROVED,
        withdrawn=True,
        url=f"{BASE}/tin",
        version=version,
    )
    assert errors(withdrawn, version) == [] and "bodies" not in withdrawn
    exemplar = ninjs.exemplar_item(
        "GD-0001",
        "Hợp tác xã Hồng Phong",
        collective=True,
        summary="Mười năm trồng hồi.",
        created=APPROVED,
        updated=APPROVED,
        base=BASE,
        locality="Bình Gia",
        subjects=["Nông nghiệp"],
        version=version,
    )
    assert errors(exemplar, version) == []
    assert exemplar["organisations"][0]["rel"] == "about"


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"1\.0"):
        ninjs.build_item(work(), BASE, "1.0")


def test_the_schema_is_closed_like_the_specification() -> None:
    item = ninjs.build_item(work(), BASE)
    assert errors({**item, "pubstatus": "usable"}, "3.0") != []
    assert errors({**item, "pubStatus": "published"}, "3.0") != []
    assert errors({**item, "type": "article"}, "3.0") != []


def test_feed_pages_link_to_their_neighbours() -> None:
    page = ninjs.feed_page([{"uri": "urn:x"}], 2, 3, f"{BASE}/feeds/ninjs.json?")
    assert page["links"] == {
        "self": f"{BASE}/feeds/ninjs.json?page=2",
        "prev": f"{BASE}/feeds/ninjs.json?page=1",
        "next": f"{BASE}/feeds/ninjs.json?page=3",
    }
