"""Judging's printable and downloadable documents: the PDFs are read back with pypdf, the XLSX
with openpyxl and the CSV with csv, and the Vietnamese texts must come back exactly."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from services.judging.exports import (
    CriterionColumn,
    Minutes,
    MinutesMember,
    ResultLine,
    ResultsTable,
    ScoreSheet,
    SheetRow,
    minutes_pdf,
    results_csv,
    results_xlsx,
    score_sheet_pdf,
)
from services.judging.exports.documents import (
    format_clock_and_date,
    format_datetime,
    format_score,
    format_vnd,
)
from services.judging.exports.pdf import MOTTO, NATION
from services.judging.exports.sheets import UNAPPROVED

ORGANISER = "Sở Thông tin và Truyền thông tỉnh Lạng Sơn"
CONTEST = "Cuộc thi viết về điển hình tiên tiến, người tốt, việc tốt tỉnh Lạng Sơn năm 2026"
JUROR = "Nguyễn Thị Ngọc Ánh"
GOOD_PEOPLE = "Người tốt, việc tốt ở Bắc Sơn"
TRIMMED = "Trung bình cắt (bỏ điểm cao nhất và thấp nhất)"
MEAN = "Điểm trung bình"
MEDIAN = "Trung vị"
SNAPSHOT = "3f9a" * 16
# 07:30 UTC is 14:30 in Vietnam.
PRINTED_AT = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
HELD_AT = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)

CRITERIA = (
    CriterionColumn("content", "Nội dung", 40, 40),
    CriterionColumn("discovery", "Tính phát hiện", 20, 20),
    CriterionColumn("form", "Hình thức thể hiện", 20, 20),
    CriterionColumn("social_effect", "Hiệu quả xã hội", 20, 20),
)


def sheet_row(number: int, *, title: str | None = None, comment: str = "") -> SheetRow:
    return SheetRow(
        entry_code=f"BI-{number:03d}",
        title=title or f"Phóng sự số {number}",
        points={"content": 38.5, "discovery": 17, "form": 16.25, "social_effect": 18},
        total=89.75,
        comment=comment,
        status="Đã nộp",
    )


def score_sheet(rows: tuple[SheetRow, ...], *, blind: bool = True) -> ScoreSheet:
    return ScoreSheet(
        organiser=ORGANISER,
        contest_title=CONTEST,
        round_name="Vòng sơ khảo",
        council_name="Hội đồng sơ khảo thể loại báo in",
        juror_name=JUROR,
        juror_organisation="Báo Lạng Sơn",
        criteria=CRITERIA,
        rows=rows,
        blind=blind,
        printed_at=PRINTED_AT,
    )


def result_line(rank: int, *, title: str | None = None, authors: str = "") -> ResultLine:
    return ResultLine(
        rank=rank,
        entry_code=f"BI-{rank:03d}",
        title=title or f"Phóng sự số {rank}",
        category="Báo in",
        values={MEAN: 90 - rank / 2, MEDIAN: 89.5 - rank / 2, TRIMMED: 90.25 - rank / 2},
        flags=("Chênh lệch điểm lớn",) if rank == 2 else (),
        tier={1: "Giải A", 2: "Giải B", 3: "Khuyến khích"}.get(rank),
        prize_vnd={1: 10_000_000, 2: 5_000_000, 3: 2_000_000}.get(rank),
        authors=authors,
    )


CHAIR = MinutesMember("Hoàng Văn Đức", "Chủ tịch Hội đồng", "Sở Thông tin và Truyền thông")
SECRETARY = MinutesMember("Nông Quốc Việt", "Thư ký", "Đài Phát thanh và Truyền hình tỉnh")
MEMBER = MinutesMember("Lý Thị Hằng", "Ủy viên", "Báo Lạng Sơn")


def council_minutes(
    lines: tuple[ResultLine, ...],
    *,
    snapshot_hash: str | None = SNAPSHOT,
    total_prize_vnd: int = 17_000_000,
    budget_vnd: int = 30_000_000,
) -> Minutes:
    return Minutes(
        organiser=ORGANISER,
        contest_title=CONTEST,
        round_name="Vòng chung khảo",
        council_name="Hội đồng chung khảo",
        place="Hội trường Sở Thông tin và Truyền thông, thành phố Lạng Sơn",
        held_at=HELD_AT,
        members=(CHAIR, MEMBER, SECRETARY),
        method_label=TRIMMED,
        rule_text="Mỗi thể loại trao 1 giải A, 1 giải B và 1 giải Khuyến khích.",
        lines=lines,
        total_prize_vnd=total_prize_vnd,
        budget_vnd=budget_vnd,
        snapshot_hash=snapshot_hash,
        notes=("Giám khảo Lý Thị Hằng khai báo xung đột lợi ích với tác phẩm BI-007.",),
    )


def pages_of(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace (line breaks of wrapped cells) made one space."""
    assert pdf.startswith(b"%PDF-")
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def in_order(needle: list[str], haystack: list[str]) -> bool:
    remaining = iter(haystack)
    return all(any(word == seen for seen in remaining) for word in needle)


# --- Formatting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(38.5, "38,5"), (40.0, "40"), (16.25, "16,25"), (12.3456, "12,35"), (-0.53, "-0,53")],
)
def test_scores_use_a_decimal_comma(value: float, text: str) -> None:
    assert format_score(value) == text


def test_a_missing_score_and_a_tiny_negative() -> None:
    assert format_score(None) == ""
    assert format_score(None, missing="—") == "—"
    assert format_score(-0.001) == "0"


@pytest.mark.parametrize(
    ("amount", "text"),
    [(10_000_000, "10.000.000 đ"), (500_000, "500.000 đ"), (0, "0 đ"), (999, "999 đ")],
)
def test_money_is_written_with_dot_groups_and_dong(amount: int, text: str) -> None:
    assert format_vnd(amount) == text


@given(st.integers(min_value=0, max_value=10**12))
def test_money_text_reads_back_as_the_amount(amount: int) -> None:
    text = format_vnd(amount)
    groups = text.removesuffix(" đ").split(".")
    assert int("".join(groups)) == amount
    assert all(len(group) == 3 for group in groups[1:]) and 1 <= len(groups[0]) <= 3


@given(st.floats(min_value=-1000, max_value=1000, allow_nan=False))
def test_score_text_reads_back_as_the_rounded_value(value: float) -> None:
    assert float(format_score(value).replace(",", ".")) == pytest.approx(round(value, 2), abs=0.006)


def test_dates_are_shown_in_vietnam_time() -> None:
    new_year_in_hanoi = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)
    assert format_datetime(new_year_in_hanoi) == "01/01/2027 00:30"
    assert format_datetime(datetime(2026, 3, 1, 9, 5, tzinfo=timezone(timedelta(hours=7)))) == (
        "01/03/2026 09:05"
    )
    assert format_clock_and_date(HELD_AT) == "14 giờ 00 phút, ngày 05/12/2026"


def test_documents_refuse_a_naive_time() -> None:
    sheet = score_sheet((sheet_row(1),))
    with pytest.raises(ValueError, match=r"phải có múi giờ\. / «printed_at» must be"):
        replace(sheet, printed_at=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="«held_at»"):
        replace(council_minutes(()), held_at=datetime(2026, 1, 1))


def test_a_sheet_refuses_points_for_a_criterion_it_does_not_list() -> None:
    row = SheetRow("BI-001", "Tên", {"content": 30, "style": 5}, None, "", "Nháp")
    with pytest.raises(ValueError, match="style") as raised:
        score_sheet((row,))
    assert " / " in str(raised.value)


def test_a_results_table_refuses_values_outside_its_columns() -> None:
    with pytest.raises(ValueError, match=TRIMMED.split(" (")[0]):
        ResultsTable("Cuộc thi", "Vòng", MEAN, (MEAN,), (result_line(1),), None)


# --- Score sheet PDF -----------------------------------------------------------------------------


def test_score_sheet_gives_back_its_vietnamese_texts() -> None:
    pdf = score_sheet_pdf(score_sheet((sheet_row(1, title=GOOD_PEOPLE), sheet_row(2))))
    text = " ".join(pages_of(pdf))
    for expected in (
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH LẠNG SƠN",
        NATION,
        MOTTO,
        "PHIẾU CHẤM ĐIỂM",
        CONTEST,
        "Vòng sơ khảo",
        "Hội đồng sơ khảo thể loại báo in",
        f"Giám khảo: {JUROR}",
        "Báo Lạng Sơn",
        "Hiệu quả xã hội (tối đa 20)",
        "Nội dung (tối đa 40)",
        f"BI-001 {GOOD_PEOPLE} 38,5 17 16,25 18 89,75",
        "Vòng chấm kín",
        "Giám khảo (Ký, ghi rõ họ tên)",
        "In lúc 26/11/2026 14:30",
        "Trang 1/1",
    ):
        assert expected in text, expected
    assert text.rstrip().endswith(f"{JUROR} In lúc 26/11/2026 14:30 Trang 1/1")


def test_score_sheet_is_a4_and_names_no_contestant_in_its_properties() -> None:
    reader = PdfReader(io.BytesIO(score_sheet_pdf(score_sheet((sheet_row(1),)))))
    sizes = {
        round(float(reader.pages[0].mediabox.width)),
        round(float(reader.pages[0].mediabox.height)),
    }
    assert sizes == {595, 842}
    assert reader.metadata is not None
    assert reader.metadata.title == "Phiếu chấm điểm — Vòng sơ khảo"
    assert reader.metadata.author == ORGANISER


def test_a_sheet_turns_to_landscape_only_when_its_columns_need_it() -> None:
    def page_size(sheet: ScoreSheet) -> tuple[int, int]:
        box = PdfReader(io.BytesIO(score_sheet_pdf(sheet))).pages[0].mediabox
        return round(float(box.width)), round(float(box.height))

    one = CriterionColumn("content", "Nội dung", 100, 100)
    row = SheetRow("BI-001", GOOD_PEOPLE, {"content": 80}, 80, "", "Đã nộp")
    assert page_size(replace(score_sheet(()), criteria=(one,), rows=(row,))) == (595, 842)
    assert page_size(score_sheet((sheet_row(1),))) == (842, 595)


def test_a_sheet_states_the_weights_when_they_differ_from_the_maxima() -> None:
    weighted = (
        CriterionColumn("content", "Nội dung", 10, 60),
        CriterionColumn("form", "Hình thức", 10, 40),
    )
    sheet = replace(score_sheet(()), criteria=weighted)
    text = " ".join(pages_of(score_sheet_pdf(sheet)))
    assert "Trọng số các tiêu chí (quy về thang 100): Nội dung: 60; Hình thức: 40." in text
    assert "Trọng số" not in " ".join(pages_of(score_sheet_pdf(score_sheet(()))))


def test_an_open_round_sheet_does_not_claim_to_be_blind() -> None:
    text = " ".join(pages_of(score_sheet_pdf(score_sheet((sheet_row(1),), blind=False))))
    assert "Vòng chấm kín" not in text


def test_a_120_row_sheet_runs_over_numbered_pages_with_the_header_on_each() -> None:
    rows = tuple(
        sheet_row(n, comment="Nhân vật chân thực, cần gọn phần mở đầu." if n % 2 else "")
        for n in range(1, 121)
    )
    pages = pages_of(score_sheet_pdf(score_sheet(rows)))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in page
        assert "STT Mã tác phẩm Tên tác phẩm" in page  # header repeated on every page
    everything = " ".join(pages)
    for n in range(1, 121):
        assert everything.count(f"BI-{n:03d} ") == 1
    # 120 rows end at the foot of a page: the last row goes over with the signature, which
    # never stands alone on a page.
    assert "BI-120" in pages[-1] and "(Ký, ghi rõ họ tên)" in pages[-1]
    assert "(Ký, ghi rõ họ tên)" not in " ".join(pages[:-1])


def test_long_titles_and_comments_wrap_and_are_never_cut() -> None:
    title = f"{GOOD_PEOPLE}: " + " ".join(f"chặng đường thứ {n}" for n in range(1, 40))
    # Far taller than a page: it continues on the next rows and pages.
    comment = " ".join(f"Ý kiến số {n}." for n in range(1, 400))
    pdf = score_sheet_pdf(score_sheet((sheet_row(1, title=title, comment=comment),)))
    pages = pages_of(pdf)
    everything = " ".join(pages)
    assert title in everything
    # Page feet and repeated headers come between the pieces; the words all follow in order.
    assert in_order(comment.split(), everything.split())
    assert len(pages) >= 2


def test_the_same_sheet_gives_the_same_bytes() -> None:
    sheet = score_sheet((sheet_row(1), sheet_row(2)))
    assert score_sheet_pdf(sheet) == score_sheet_pdf(sheet)


# --- Minutes PDF ---------------------------------------------------------------------------------


def test_minutes_state_the_method_the_hash_and_who_signs() -> None:
    lines = (
        result_line(1, title=GOOD_PEOPLE, authors="Hoàng Thị Lụa, Vi Văn Sử"),
        result_line(2),
        result_line(3),
    )
    text = " ".join(pages_of(minutes_pdf(council_minutes(lines))))
    for expected in (
        "BIÊN BẢN HỌP HỘI ĐỒNG CHUNG KHẢO",
        "Vòng chung khảo",
        "Thời gian: 14 giờ 00 phút, ngày 05/12/2026",
        "Địa điểm: Hội trường Sở Thông tin và Truyền thông, thành phố Lạng Sơn",
        f"Phương pháp xếp hạng: {TRIMMED}",
        "Quy tắc: Mỗi thể loại trao 1 giải A",
        "Thể loại: Báo in",
        f"1 BI-001 {GOOD_PEOPLE} Tác giả: Hoàng Thị Lụa, Vi Văn Sử 89,5 89 89,75 Giải A",
        "10.000.000 đ",
        "Chênh lệch điểm lớn",
        "Khuyến khích",
        "Tổng giá trị giải thưởng: 17.000.000 đ",
        "Kinh phí được duyệt: 30.000.000 đ",
        "khai báo xung đột lợi ích với tác phẩm BI-007",
        f"Mã kiểm chứng kết quả đã phê duyệt: {SNAPSHOT}",
        "Thư ký (Ký, ghi rõ họ tên)",
        "Chủ tịch Hội đồng (Ký, ghi rõ họ tên)",
        "Nông Quốc Việt",
        "Hoàng Văn Đức",
        "Lý Thị Hằng Ủy viên Báo Lạng Sơn",
    ):
        assert expected in text, expected
    assert "vượt kinh phí" not in text


def test_every_page_of_long_minutes_states_the_ranking_method() -> None:
    pages = pages_of(minutes_pdf(council_minutes(tuple(result_line(n) for n in range(1, 61)))))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Phương pháp xếp hạng: {TRIMMED} Trang {number}/{len(pages)}" in page
        assert "Hạng Mã tác phẩm Tác phẩm" in page or number == len(pages)


def test_the_signatures_of_minutes_never_stand_alone_on_a_page() -> None:
    # Twelve results end low on page 2: the totals move over with the signatures.
    pages = pages_of(minutes_pdf(council_minutes(tuple(result_line(n) for n in range(1, 13)))))
    assert "Thư ký (Ký, ghi rõ họ tên)" in pages[-1]
    assert "Tổng giá trị giải thưởng: 17.000.000 đ" in pages[-1]
    assert "Thư ký (Ký, ghi rõ họ tên)" not in " ".join(pages[:-1])


def test_blind_minutes_name_no_author_and_unapproved_ones_say_so() -> None:
    minutes = council_minutes(
        (result_line(1), result_line(2)),
        snapshot_hash=None,
        total_prize_vnd=35_000_000,
        budget_vnd=30_000_000,
    )
    text = " ".join(pages_of(minutes_pdf(minutes)))
    assert "Tác giả:" not in text
    assert "Kết quả chưa được phê duyệt" in text
    assert "Mã kiểm chứng kết quả đã phê duyệt" not in text
    assert "Tổng giải thưởng vượt kinh phí được duyệt 5.000.000 đ." in text


def test_minutes_list_categories_when_the_council_judged_several() -> None:
    radio = ResultLine(
        4, "PT-004", "Tiếng loa ở bản Khe Mò", "Phát thanh", {MEAN: 80}, (), None, None, ""
    )
    text = " ".join(pages_of(minutes_pdf(council_minutes((result_line(1), radio)))))
    assert "Thể loại:" not in text
    assert "PT-004 Tiếng loa ở bản Khe Mò Phát thanh 80" in text


# --- XLSX ----------------------------------------------------------------------------------------


def results_table(snapshot_hash: str | None = SNAPSHOT) -> ResultsTable:
    lines = (
        result_line(1, title=GOOD_PEOPLE, authors="Hoàng Thị Lụa"),
        result_line(2),
        ResultLine(
            None,
            "BI-009",
            '=HYPERLINK("http://x","bấm")',
            "Báo in",
            {MEAN: None},
            (),
            None,
            None,
            "-Lò Văn Pọm",
        ),
    )
    return ResultsTable(
        CONTEST, "Vòng chung khảo", TRIMMED, (MEAN, MEDIAN, TRIMMED), lines, snapshot_hash
    )


HEADINGS = [
    "Hạng",
    "Mã tác phẩm",
    "Tên tác phẩm",
    "Tác giả",
    "Thể loại",
    MEAN,
    MEDIAN,
    TRIMMED,
    "Giải",
    "Tiền thưởng (VNĐ)",
    "Ghi chú",
]


def test_xlsx_has_a_header_block_a_header_row_and_numbers_as_numbers() -> None:
    sheet = load_workbook(io.BytesIO(results_xlsx(results_table()))).active
    assert sheet is not None
    assert sheet["A1"].value == CONTEST
    assert sheet["A2"].value == "Vòng: Vòng chung khảo"
    assert sheet["A3"].value == f"Phương pháp xếp hạng: {TRIMMED}"
    assert sheet["A4"].value == f"Mã kiểm chứng kết quả: {SNAPSHOT}"
    assert [cell.value for cell in sheet[6]] == HEADINGS
    first = [cell.value for cell in sheet[7]]
    assert first == [
        1,
        "BI-001",
        GOOD_PEOPLE,
        "Hoàng Thị Lụa",
        "Báo in",
        89.5,
        89.0,
        89.75,
        "Giải A",
        10_000_000,
        None,
    ]
    assert sheet["F7"].data_type == "n" and sheet["J7"].data_type == "n"
    assert "đ" in sheet["J7"].number_format and "#,##0" in sheet["J7"].number_format
    assert sheet["K8"].value == "Chênh lệch điểm lớn"
    assert sheet.freeze_panes == "D7"
    assert sheet.auto_filter.ref == "A6:K9"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width


def test_xlsx_keeps_formula_like_text_as_text_and_leaves_missing_values_empty() -> None:
    sheet = load_workbook(io.BytesIO(results_xlsx(results_table()))).active
    assert sheet is not None
    assert sheet["C9"].value == '=HYPERLINK("http://x","bấm")'
    assert sheet["C9"].data_type == "s"
    assert sheet["A9"].value is None and sheet["F9"].value is None and sheet["J9"].value is None
    assert sheet["D9"].value == "-Lò Văn Pọm"


def test_an_unapproved_xlsx_says_so() -> None:
    sheet = load_workbook(io.BytesIO(results_xlsx(results_table(None)))).active
    assert sheet is not None
    assert sheet["A4"].value == UNAPPROVED


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_starts_with_a_bom_and_states_the_method_on_every_row() -> None:
    data = results_csv(results_table())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Phương pháp xếp hạng", *HEADINGS, "Mã kiểm chứng kết quả"]
    assert len(rows) == 4
    assert all(row[0] == TRIMMED and row[-1] == SNAPSHOT for row in rows[1:])
    assert rows[1][1:12] == [
        "1",
        "BI-001",
        GOOD_PEOPLE,
        "Hoàng Thị Lụa",
        "Báo in",
        "89.5",
        "89",
        "89.75",
        "Giải A",
        "10000000",
        "",
    ]
    assert rows[2][11] == "Chênh lệch điểm lớn"


def test_csv_defuses_formula_like_text_and_leaves_missing_values_empty() -> None:
    rows = list(
        csv.reader(io.StringIO(results_csv(results_table()).decode("utf-8-sig"), newline=""))
    )
    unranked = rows[3]
    assert unranked[1] == "" and unranked[6] == "" and unranked[10] == ""
    assert unranked[3] == '\'=HYPERLINK("http://x","bấm")'
    assert unranked[4] == "'-Lò Văn Pọm"


def test_an_unapproved_csv_leaves_the_hash_empty() -> None:
    rows = list(
        csv.reader(io.StringIO(results_csv(results_table(None)).decode("utf-8-sig"), newline=""))
    )
    assert [row[-1] for row in rows[1:]] == ["", "", ""]
