"""The public site's pure rules: tier order and the gallery's groups, file names, credits,
paragraphs, slugs, news bodies made safe, the Atom feed as a feed reader sees it, and what a
press kit holds."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import pytest

from services.publish.domain.atom import AtomEntry, feed_xml
from services.publish.domain.news import NewsDraft, body_html, problems, summary_of, unique_slug
from services.publish.domain.presskit import credits_text, members
from services.publish.domain.site import (
    MediaFile,
    WorkRecord,
    credit_line,
    description,
    download_name,
    fold,
    gallery,
    paragraphs,
    public_author,
    redacted,
    slugify,
    tier_order,
)

NOW = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)


def work(code: str, category: str = "BC", tier: str = "A", **changes: Any) -> WorkRecord:
    values: dict[str, Any] = {
        "entry_id": f"e-{code}",
        "code": code,
        "title": f"Tác phẩm {code}",
        "contest_id": "c1",
        "contest_code": "NTVT",
        "contest_title": "Cuộc thi người tốt, việc tốt",
        "category_code": category,
        "category_name": {"BC": "Báo in", "TH": "Truyền hình"}.get(category, category),
        "tier_code": tier,
        "tier_name": {"A": "Giải A", "B": "Giải B", "KK": "Khuyến khích"}.get(tier, tier),
        "prize_vnd": 5_000_000,
        "language": "vi",
        "synopsis": "",
        "authors": (
            {"full_name": "Nguyễn Văn Ánh", "pen_name": "", "organisation": "Báo Lạng Sơn"},
        ),
        "exemplars": ({"name": "Hoàng Văn Thụ", "exemplar_id": "GD-0001"},),
        "district": "Văn Quan",
        "publication": {"outlet": "Báo Lạng Sơn", "url": "https://baolangson.vn/a"},
        "consent": True,
        "files": (),
        "body_text": None,
        "approved_at": NOW,
        "updated_at": NOW,
    }
    values.update(changes)
    return WorkRecord(**values)


def test_tiers_sort_best_first_and_unknown_before_encouragement() -> None:
    codes = ["KK", "C", "Giải đặc biệt", "A", "B", "ĐB"]
    assert sorted(codes, key=tier_order) == ["ĐB", "A", "B", "C", "Giải đặc biệt", "KK"]


def test_the_gallery_groups_by_category_then_tier_and_hides_retracted_works() -> None:
    works = [
        work("BC-3", "BC", "KK"),
        work("TH-1", "TH", "A"),
        work("BC-1", "BC", "A"),
        work("BC-2", "BC", "A", retracted_at=NOW),
        work("BC-4", "BC", "B"),
    ]
    groups = gallery(works, ["TH", "BC"])
    assert [g.category_code for g in groups] == ["TH", "BC"]
    bc = groups[1]
    assert [t.tier_code for t in bc.tiers] == ["A", "B", "KK"]
    assert [w.code for w in bc.tiers[0].works] == ["BC-1"]
    assert gallery([work("X", retracted_at=NOW)]) == []


def test_files_are_offered_under_the_works_code_never_the_contestants_name() -> None:
    assert download_name("TH-007", 2, "video/mp4") == "TH-007-2.mp4"
    assert download_name("PT-001", 1, "audio/mpeg") == "PT-001-1.mp3"
    assert (
        download_name(
            "BC-001", 1, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        == "BC-001-1.docx"
    )
    assert download_name("AN-001", 3, "image/x-weird+thing") == "AN-001-3.xweir"


def test_authors_are_credited_without_any_contact() -> None:
    author = {
        "full_name": "Lộc Thị Mai",
        "pen_name": "Mai Lộc",
        "organisation": "Đài PT-TH",
        "email": "mai@x.vn",
        "phone": "0912",
    }
    assert public_author(author) == {
        "full_name": "Lộc Thị Mai",
        "pen_name": "Mai Lộc",
        "organisation": "Đài PT-TH",
    }
    assert credit_line(author) == "Lộc Thị Mai (bút danh Mai Lộc, Đài PT-TH)"
    assert credit_line({"full_name": "Ánh"}) == "Ánh"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Một.\n\nHai\ndòng.\r\n\r\nBa.", ["Một.", "Hai dòng.", "Ba."]),
        ("Một.\nHai.\n", ["Một.", "Hai."]),
        ("   ", []),
        (None, []),
    ],
)
def test_paragraphs_of_a_reading_copy(text: str | None, expected: list[str]) -> None:
    assert paragraphs(text) == expected


def test_slugs_and_folding_drop_diacritics() -> None:
    assert fold("Đường lên Khòn Pổ") == "duong len khon po"
    assert slugify("Công bố kết quả: Giải A — 2026!") == "cong-bo-ket-qua-giai-a-2026"
    assert slugify("!!!") == "tin"
    assert unique_slug("Tin mới", {"tin-moi", "tin-moi-2"}) == "tin-moi-3"


def test_news_html_is_sanitised_and_text_becomes_paragraphs() -> None:
    html = NewsDraft(
        "T",
        "",
        '<p onclick="x()">Chào <b>bạn</b></p><script>alert(1)</script>'
        '<img src="javascript:alert(1)" alt="a"><a href="https://a.vn">link</a>',
        "html",
    )
    safe = body_html(html)
    assert "script" not in safe and "onclick" not in safe and "javascript" not in safe
    assert "<b>bạn</b>" in safe and 'href="https://a.vn"' in safe
    text = NewsDraft("T", "", "Dòng <một> & hai\n\nĐoạn hai", "text")
    assert body_html(text) == "<p>Dòng &lt;một&gt; &amp; hai</p>\n<p>Đoạn hai</p>"
    assert summary_of(text) == "Dòng <một> & hai Đoạn hai"


def test_news_problems_are_told_in_both_languages() -> None:
    assert problems(NewsDraft("Tiêu đề", "", "Nội dung")) == []
    found = problems(NewsDraft("Hai\ndòng", "x" * 501, "", "pdf"))
    assert len(found) == 4 and all(" / " in p for p in found)
    only_script = problems(NewsDraft("T", "", "<script>x</script>", "html"))
    assert only_script and only_script[0].startswith("Nội dung HTML không còn chữ")


def test_the_atom_feed_reads_back_in_a_feed_parser() -> None:
    entries = [
        AtomEntry("urn:a:1", "Cũ", "https://x.vn/1", NOW - timedelta(days=1)),
        AtomEntry(
            "urn:a:2",
            "Mới: Đường lên bản",
            "https://x.vn/2",
            NOW,
            NOW,
            "Tóm tắt",
            "<p>Nội dung <b>đậm</b></p>",
            ("Lộc Thị Mai",),
            (("giai-thuong", "Tác phẩm"),),
            (("https://x.vn/m.mp4", "video/mp4", 1234),),
        ),
    ]
    xml = feed_xml(
        feed_id="urn:feed",
        title="Lan Toả",
        self_link="https://x.vn/feeds/atom.xml",
        site_link="https://x.vn/",
        entries=entries,
        updated=NOW,
        author="Lan Toả",
    )
    parsed = feedparser.parse(xml)
    assert not parsed.bozo
    assert parsed.version == "atom10" and parsed.feed.language == "vi"
    assert [e.title for e in parsed.entries] == ["Mới: Đường lên bản", "Cũ"]
    first = parsed.entries[0]
    assert first.author == "Lộc Thị Mai" and first.tags[0].term == "giai-thuong"
    assert first.enclosures[0].href == "https://x.vn/m.mp4" and first.enclosures[0].length == "1234"
    assert "<b>đậm</b>" in first.content[0].value


def test_a_press_kit_lists_its_members_and_credits() -> None:
    files = (
        MediaFile(1, "text", "application/pdf", 10, "k/a.pdf", "BC-1-1.pdf", text_key="k/a.txt"),
        MediaFile(2, "photo", "image/jpeg", 10, "k/b.jpg", "BC-1-2.jpg"),
    )
    w = work("BC-1", files=files, body_text="Đoạn một.\n\nĐoạn hai.")
    found = members(w, {"uri": "urn:x"}, "https://x.vn/tac-pham/BC-1")
    assert [m.name for m in found] == [
        "ninjs.json",
        "BC-1.txt",
        "media/BC-1-1.pdf",
        "media/BC-1-2.jpg",
        "CREDITS.txt",
        "README.txt",
    ]
    assert json.loads(found[0].data or b"") == {"uri": "urn:x"}
    assert found[2].object_key == "k/a.pdf" and found[2].data is None
    assert (found[1].data or b"").decode("utf-8").endswith("Đoạn một.\n\nĐoạn hai.\n")
    credits = credits_text(w)
    assert "Nguyễn Văn Ánh (Báo Lạng Sơn)" in credits and "Giải A — Báo in" in credits
    assert "5.000.000 đ" in credits and "Hoàng Văn Thụ" in credits
    assert "https://baolangson.vn/a" in credits
    assert "media/BC-1-2.jpg" in (found[-1].data or b"").decode("utf-8")


def test_without_consent_only_title_authors_and_tier_remain() -> None:
    files = (MediaFile(1, "photo", "image/jpeg", 10, "k/b.jpg", "X-1.jpg"),)
    full = work("X-1", synopsis="Tóm tắt", files=files, body_text="Chữ")
    assert redacted(full) is full
    hidden = redacted(replace(full, consent=False))
    assert (hidden.title, hidden.authors, hidden.tier_name) == (
        full.title,
        full.authors,
        full.tier_name,
    )
    assert (hidden.synopsis, hidden.exemplars, hidden.files, hidden.body_text) == ("", (), (), None)
    assert (hidden.district, hidden.publication) == ("", None)
    assert description(hidden) == "Giải A — Báo in. Nguyễn Văn Ánh (Báo Lạng Sơn)"


def test_descriptions_fall_back_to_tier_and_authors() -> None:
    assert description(work("A-1", synopsis="Ngắn gọn.")) == "Ngắn gọn."
    assert description(work("A-1")) == "Giải A — Báo in. Nguyễn Văn Ánh (Báo Lạng Sơn)"
    assert len(description(work("A-1", synopsis="x" * 500), 100)) == 100
