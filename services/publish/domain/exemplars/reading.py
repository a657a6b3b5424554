"""Reading an organizer's file: CSV in any of the encodings Vietnamese offices write
(UTF-8 with or without BOM, UTF-16, Windows-1258), `,` or `;`, or XLSX by its content, and
finding the header row."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

from .columns import COLUMN_BY_KEY, COLUMNS, IGNORED_HEADERS, expected_problem, header_key

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
MAX_XLSX_UNPACKED = 60 * 1024 * 1024  # a small XLSX that unpacks to more is a zip bomb
HEADER_SEARCH_ROWS = 10  # a title or two above the header row is common in provincial sheets

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing of it is kept."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


# --- reading a file --------------------------------------------------------------------------

FileFormat = Literal["csv", "xlsx"]


@dataclass(frozen=True)
class RawTable:
    format: FileFormat
    encoding: str  # the encoding a CSV was read with; "" for XLSX
    delimiter: str  # "," ";" or tab for CSV; "" for XLSX
    rows: list[tuple[int, tuple[str, ...]]]  # (row number as the spreadsheet shows it, cells)


def read_table(data: bytes) -> RawTable:
    """A CSV or XLSX file (told apart by its content, not its name) as rows of text."""
    if not data.strip():
        raise ImportFileError("Tệp trống. / The file is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"Tệp lớn quá {MAX_FILE_BYTES // (1024 * 1024)} MiB. "
            f"/ The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB."
        )
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    if data.startswith(OLE_MAGIC):
        raise ImportFileError(
            "Tệp Excel 97-2003 (.xls) không được hỗ trợ: hãy lưu lại thành .xlsx hoặc CSV. "
            "/ Excel 97-2003 (.xls) files are not supported: save as .xlsx or CSV."
        )
    return _read_csv(data)


def decode(data: bytes) -> tuple[str, str]:
    """(text in NFC, the encoding used): a BOM first, then strict UTF-8, then Windows-1258."""
    boms = (
        (codecs.BOM_UTF8, "utf-8", "UTF-8 (BOM)"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
    )
    for bom, codec, label in boms:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as error:
                raise ImportFileError(
                    f"Tệp có dấu {label} nhưng nội dung không đọc được theo bảng mã đó "
                    f"(byte thứ {error.start + len(bom) + 1}). "
                    f"/ The file starts with a {label} mark but is not {label} "
                    f"(byte {error.start + len(bom) + 1})."
                ) from error
            return unicodedata.normalize("NFC", text), label
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8")), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # Windows-1258 writes many letters as a base letter + a combining tone mark.
        return unicodedata.normalize("NFC", data.decode("cp1258")), "Windows-1258"
    except UnicodeDecodeError as error:
        raise ImportFileError(
            "Không nhận ra bảng mã của tệp: hãy lưu CSV dạng UTF-8. "
            "/ Unknown text encoding: save the CSV as UTF-8."
        ) from error


def _choose_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most columns (ties: comma)."""
    head = "\n".join(text.splitlines()[: HEADER_SEARCH_ROWS + 2])
    best, widest = ",", 0
    for candidate in (",", ";", "\t"):
        try:
            rows = list(csv.reader(io.StringIO(head), delimiter=candidate))
        except csv.Error:
            continue
        width = max((len(r) for r in rows), default=0)
        if width > widest:
            best, widest = candidate, width
    return best


def _read_csv(data: bytes) -> RawTable:
    text, encoding = decode(data)
    if "\x00" in text:
        raise ImportFileError(
            "Tệp không phải CSV hay XLSX. / The file is neither a CSV nor an XLSX file."
        )
    delimiter = _choose_delimiter(text)
    rows: list[tuple[int, tuple[str, ...]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            rows.append((number, tuple(record)))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
    except csv.Error as error:
        raise ImportFileError(
            f"Tệp CSV hỏng ở dòng {number + 1} ({error}). "
            f"/ The CSV file is broken at row {number + 1} ({error})."
        ) from error
    return RawTable("csv", encoding, delimiter, rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes) -> RawTable:
    broken = "Tệp XLSX bị hỏng, không mở được. / The XLSX file is broken and cannot be opened."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportFileError(broken) from error
    if "xl/workbook.xml" not in names:
        raise ImportFileError(
            "Tệp nén này không phải bảng tính XLSX. / This zip file is not an XLSX workbook."
        )
    if unpacked > MAX_XLSX_UNPACKED:
        raise ImportFileError(
            "Bảng tính giải nén ra quá lớn. / The workbook unpacks to too much data."
        )
    from openpyxl import load_workbook  # imported here: only XLSX files need it

    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        # Formulas are read as their text ("=HYPERLINK(…)"), never evaluated.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = book.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                rows.append((number, tuple(_cell_text(v) for v in values)))
                if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                    break
        finally:
            book.close()
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise ImportFileError(broken) from error
    return RawTable("xlsx", "", "", rows)


# --- the header row --------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    line: int
    positions: Mapping[str, int]  # column key → cell index
    ignored: tuple[str, ...]  # headers in the file that name no column


def blank(cells: Sequence[str]) -> bool:
    return not any(c.strip() for c in cells)


def find_header(table: RawTable) -> Header:
    """The first row naming at least three known columns; all required columns must be there."""
    alias_to_key = {alias: c.key for c in COLUMNS for alias in c.aliases}
    candidates = [(n, cells) for n, cells in table.rows if not blank(cells)]
    if not candidates:
        raise ImportFileError("Tệp không có dòng nào. / The file has no rows.")
    for line, cells in candidates[:HEADER_SEARCH_ROWS]:
        keys = [alias_to_key.get(header_key(c)) for c in cells]
        if sum(1 for k in keys if k) < 3:
            continue
        positions: dict[str, int] = {}
        ignored: list[str] = []
        twice: list[str] = []
        for index, (cell, key) in enumerate(zip(cells, keys, strict=True)):
            if key is None:
                if cell.strip() and header_key(cell) not in IGNORED_HEADERS:
                    ignored.append(cell.strip())
            elif key in positions:
                twice.append(COLUMN_BY_KEY[key].label)
            else:
                positions[key] = index
        found = ", ".join(c.strip() for c in cells if c.strip())
        if twice:
            raise ImportFileError(
                f"Cột xuất hiện hai lần ở dòng {line}: {', '.join(twice)}. "
                f"/ Columns given twice in row {line}: {', '.join(twice)}.",
                [f"Các cột trong tệp: {found} / Columns in the file: {found}"],
            )
        missing = [c.label for c in COLUMNS if c.required and c.key not in positions]
        if missing:
            raise ImportFileError(
                f"Thiếu cột: {', '.join(missing)}. / Missing columns: {', '.join(missing)}.",
                [
                    expected_problem(),
                    f"Các cột trong tệp (dòng {line}): {found} "
                    f"/ Columns in the file (row {line}): {found}",
                ],
            )
        return Header(line, positions, tuple(ignored))
    first_line, first = candidates[0]
    found = ", ".join(c.strip() for c in first if c.strip())[:500]
    raise ImportFileError(
        "Không tìm thấy dòng tiêu đề với các cột cần có. "
        "/ No header row with the expected columns was found.",
        [
            expected_problem(),
            f"Dòng {first_line} của tệp: {found} / Row {first_line} of the file: {found}",
        ],
    )
