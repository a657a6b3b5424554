"""A round's results for download: an XLSX workbook for people and a CSV file for tools.

Both state the ranking method. The XLSX says it in a header block above the table (with the
contest, the round and the approved snapshot's hash); the CSV says it in its first column, on
every row, so the header stays on line 1 (any CSV reader or spreadsheet import works without
skipping lines) and the method cannot get lost when rows are filtered, sorted or copied. The
CSV's last column carries the snapshot hash the same way.

Titles, authors and flags come from contestants and jurors: a text starting like a formula
(``=``, ``+``, ``-``, ``@``) is kept as text, never run by a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .documents import ResultLine, ResultsTable

SHEET_TITLE = "Kết quả"
METHOD_HEADING = "Phương pháp xếp hạng"
HASH_HEADING = "Mã kiểm chứng kết quả"
PRIZE_HEADING = "Tiền thưởng (VNĐ)"
UNAPPROVED = "Kết quả chưa được phê duyệt (chưa có mã kiểm chứng)."

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_HEADER_ROW = 6  # below the header block (rows 1–4) and a blank row
_MONEY_FORMAT = '#,##0 "đ"'
_SCORE_FORMAT = "0.00"
_MIN_WIDTH, _MAX_WIDTH = 8, 50
_HEADING_WIDTH = 16


def _headings(table: ResultsTable) -> list[str]:
    return [
        "Hạng",
        "Mã tác phẩm",
        "Tên tác phẩm",
        "Tác giả",
        "Thể loại",
        *table.columns,
        "Giải",
        PRIZE_HEADING,
        "Ghi chú",
    ]


def _cells(line: ResultLine, columns: Sequence[str]) -> list[str | int | float | None]:
    return [
        line.rank,
        line.entry_code,
        line.title,
        line.authors,
        line.category,
        *(line.values.get(label) for label in columns),
        line.tier,
        line.prize_vnd,
        "; ".join(line.flags),
    ]


def _hash_text(snapshot_hash: str | None) -> str:
    return f"{HASH_HEADING}: {snapshot_hash}" if snapshot_hash else UNAPPROVED


# --- XLSX --------------------------------------------------------------------------------------


def _put(cell: Cell, value: str | int | float | None) -> None:
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # openpyxl would otherwise store it as a formula


def results_xlsx(table: ResultsTable) -> bytes:
    """One sheet: a header block (contest, round, method, hash), a header row, then one row per
    result with numbers as numbers, prizes in a money format; panes frozen on the header row
    and the entry's code and title, a filter on the header row."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = SHEET_TITLE
    workbook.properties.title = f"{table.contest_title} — {table.round_name}"
    workbook.properties.creator = "Lan Toả"

    block = (
        table.contest_title,
        f"Vòng: {table.round_name}",
        f"{METHOD_HEADING}: {table.method_label}",
        _hash_text(table.snapshot_hash),
    )
    for row, text in enumerate(block, start=1):
        _put(sheet.cell(row=row, column=1), text)
        sheet.cell(row=row, column=1).font = Font(bold=row in (1, 3), size=14 if row == 1 else 11)

    headings = _headings(table)
    value_columns = range(6, 6 + len(table.columns))
    prize_column = 6 + len(table.columns) + 1
    heading_fill = PatternFill("solid", fgColor="E8E8E8")
    for column, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=_HEADER_ROW, column=column)
        _put(cell, heading)
        cell.font = Font(bold=True)
        cell.fill = heading_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    for offset, line in enumerate(table.lines, start=1):
        row = _HEADER_ROW + offset
        for column, value in enumerate(_cells(line, table.columns), start=1):
            cell = sheet.cell(row=row, column=column)
            _put(cell, value)
            if column in value_columns:
                cell.number_format = _SCORE_FORMAT
            elif column == prize_column:
                cell.number_format = _MONEY_FORMAT
            cell.alignment = Alignment(vertical="top", wrap_text=column in (3, 4, len(headings)))

    for column, heading in enumerate(headings, start=1):
        shown = [
            _shown(sheet.cell(row=_HEADER_ROW + offset, column=column).value)
            for offset in range(1, len(table.lines) + 1)
        ]
        # Headings wrap, so a long one widens its column only so far.
        width = max([min(len(heading), _HEADING_WIDTH), *map(len, shown)]) + 2
        sheet.column_dimensions[get_column_letter(column)].width = min(
            max(width, _MIN_WIDTH), _MAX_WIDTH
        )

    last = get_column_letter(len(headings))
    sheet.auto_filter.ref = f"A{_HEADER_ROW}:{last}{_HEADER_ROW + len(table.lines)}"
    sheet.freeze_panes = f"D{_HEADER_ROW + 1}"  # keeps rank, code and title in view
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _shown(value: object) -> str:
    """Roughly what a cell shows, to size its column."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int) and value >= 1000:
        return f"{value:,} đ"  # only prizes are that large
    return str(value)


# --- CSV ---------------------------------------------------------------------------------------


def _csv_text(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _csv_number(value: float | None) -> str:
    """38.5 → "38.5", 40.0 → "40": a dot decimal any tool parses, at most 2 decimals."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def results_csv(table: ResultsTable) -> bytes:
    """UTF-8 with a BOM (so Excel reads Vietnamese right), comma-separated, CRLF line ends.
    First column: the ranking method; last column: the snapshot hash (empty until approved).
    Numbers use a dot decimal; prizes are plain whole VND."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([METHOD_HEADING, *_headings(table), HASH_HEADING])
    method = _csv_text(table.method_label)
    for line in table.lines:
        writer.writerow(
            [
                method,
                "" if line.rank is None else str(line.rank),
                _csv_text(line.entry_code),
                _csv_text(line.title),
                _csv_text(line.authors),
                _csv_text(line.category),
                *(_csv_number(line.values.get(label)) for label in table.columns),
                _csv_text(line.tier or ""),
                "" if line.prize_vnd is None else str(line.prize_vnd),
                _csv_text("; ".join(line.flags)),
                table.snapshot_hash or "",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
