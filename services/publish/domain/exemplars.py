"""The exemplar press room, pure: reading an organizer's CSV or XLSX into rows (encodings,
delimiters, header names), checking each row, finding duplicates, and folding Vietnamese text so
that a search without diacritics finds words with or without them.

Messages are "Vietnamese / English"; the pages show one half.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Literal

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
MAX_CELL = 5_000  # characters; the longest column (achievements) allows this many
MAX_XLSX_UNPACKED = 60 * 1024 * 1024  # a small XLSX that unpacks to more is a zip bomb
HEADER_SEARCH_ROWS = 10  # a title or two above the header row is common in provincial sheets
PAGE_SIZE = 20
MAX_QUERY_TERMS = 8

CODE_PREFIX = "GD"
CODE_PATTERN = re.compile(r"^\s*GD\s*-?\s*(\d{1,6})\s*$", re.IGNORECASE)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing of it is kept."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


# --- Vietnamese text -------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without diacritics: "Hoàng Văn Thụ" → "hoang van thu", "Đồng" → "dong"."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", bare.casefold()).strip()


def exact(text: str) -> str:
    """Lower case, diacritics kept (NFC, so a Windows-1258 "u" + combining dot equals "ụ")."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


def has_diacritics(word: str) -> bool:
    return fold(word) != exact(word)


def search_text(parts: Iterable[str]) -> tuple[str, str]:
    """(exact, folded) word lists of ``parts``, each word between spaces, for prefix search:
    " hoàng văn thụ … " and " hoang van thu … "."""
    words = [w for part in parts for w in _WORD.findall(exact(part))]
    joined = " ".join(words)
    return f" {joined} ", f" {fold(joined)} "


@dataclass(frozen=True)
class Term:
    """One word of a search: matched against the folded text when typed without diacritics
    ("thu" finds "Thụ" and "Thu"), against the exact text when typed with them ("Thụ" finds
    only "Thụ")."""

    text: str
    folded: bool

    def like_pattern(self) -> str:
        """A LIKE pattern finding words that start with this term (escape character "\\")."""
        escaped = self.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"% {escaped}%"


def search_terms(query: str) -> list[Term]:
    words = _WORD.findall(exact(query[:200]))[:MAX_QUERY_TERMS]
    return [Term(fold(w), True) if not has_diacritics(w) else Term(w, False) for w in words]


def dedupe_key(name: str, unit: str) -> str:
    """Two rows are the same exemplar when name and unit agree, diacritics and case aside."""
    return f"{' '.join(_WORD.findall(fold(name)))}|{' '.join(_WORD.findall(fold(unit)))}"


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


# --- exemplar codes --------------------------------------------------------------------------


def format_code(number: int) -> str:
    """The code shown on an exemplar's page, for entrants to quote: GD-0001."""
    return f"{CODE_PREFIX}-{number:04d}"


def parse_code(text: str) -> str | None:
    """ "gd-7", "GD 0007", "GD-0007" → "GD-0007"; anything else → None."""
    found = CODE_PATTERN.match(text)
    if not found or int(found.group(1)) == 0:
        return None
    return format_code(int(found.group(1)))


# --- columns ---------------------------------------------------------------------------------

ColumnKey = Literal[
    "name", "kind", "unit", "cluster", "district", "field", "achievements", "contact", "consent"
]


@dataclass(frozen=True)
class Column:
    key: ColumnKey
    label: str  # the Vietnamese header, as the template file has it
    label_en: str
    aliases: tuple[str, ...]  # header_key forms (folded words) that name this column
    required: bool  # the column must be in the file
    needs_value: bool  # each row must fill it
    max_length: int
    multiline: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "Họ và tên / Tên tập thể",
        "Name",
        (
            "ho va ten ten tap the",
            "ho ten ten tap the",
            "ho va ten",
            "ho ten",
            "ten",
            "ten tap the",
            "ten ca nhan tap the",
            "ten guong dien hinh",
            "name",
            "full name",
        ),
        True,
        True,
        300,
    ),
    Column(
        "kind",
        "Cá nhân/Tập thể",
        "Person/Collective",
        (
            "ca nhan tap the",
            "ca nhan hay tap the",
            "loai",
            "doi tuong",
            "kind",
            "type",
            "person collective",
            "person or collective",
        ),
        True,
        True,
        40,
    ),
    Column(
        "unit",
        "Đơn vị",
        "Unit",
        (
            "don vi",
            "co quan don vi",
            "don vi cong tac",
            "noi cong tac",
            "unit",
            "organisation",
            "organization",
        ),
        True,
        True,
        300,
    ),
    Column(
        "cluster",
        "Cụm thi đua",
        "Emulation cluster",
        ("cum thi dua", "cum khoi thi dua", "cluster", "emulation cluster"),
        False,
        False,
        200,
    ),
    Column(
        "district",
        "Huyện/Thành phố",
        "District",
        (
            "huyen thanh pho",
            "huyen thi xa thanh pho",
            "huyen",
            "dia ban",
            "district",
            "district city",
        ),
        True,
        False,
        100,
    ),
    Column(
        "field",
        "Lĩnh vực",
        "Field",
        ("linh vuc", "nganh linh vuc", "field", "sector"),
        True,
        False,
        200,
    ),
    Column(
        "achievements",
        "Thành tích",
        "Achievements",
        ("thanh tich", "thanh tich tieu bieu", "tom tat thanh tich", "achievements"),
        True,
        True,
        MAX_CELL,
        multiline=True,
    ),
    Column(
        "contact",
        "Liên hệ",
        "Contact",
        ("lien he", "thong tin lien he", "dia chi lien he", "contact"),
        False,
        False,
        300,
    ),
    Column(
        "consent",
        "Đồng ý công bố",
        "Consent",
        (
            "dong y cong bo",
            "dong y cong khai",
            "dong y",
            "consent",
            "consent to publish",
            "publish",
        ),
        True,
        False,
        40,
    ),
)
COLUMN_BY_KEY: Mapping[str, Column] = {c.key: c for c in COLUMNS}
# Columns a sheet often has that mean nothing here: numbering and notes.
IGNORED_HEADERS = frozenset({"stt", "tt", "so tt", "so thu tu", "no", "ghi chu", "notes"})

YES = frozenset({"co", "x", "dong y", "co dong y", "yes", "y", "1", "true"})
NO = frozenset({"", "khong", "khong dong y", "no", "n", "0", "false"})
PERSON = frozenset({"ca nhan", "cn", "person", "individual"})
COLLECTIVE = frozenset({"tap the", "collective", "group", "organisation", "organization"})


def header_key(text: str) -> str:
    """A header as folded words: "Cá nhân/Tập thể" → "ca nhan tap the"."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def expected_columns() -> str:
    return ", ".join(c.label for c in COLUMNS)


def _expected_problem() -> str:
    columns = expected_columns()
    return f"Các cột cần có: {columns} / Columns expected: {columns}"


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


def _blank(cells: Sequence[str]) -> bool:
    return not any(c.strip() for c in cells)


def find_header(table: RawTable) -> Header:
    """The first row naming at least three known columns; all required columns must be there."""
    alias_to_key = {alias: c.key for c in COLUMNS for alias in c.aliases}
    candidates = [(n, cells) for n, cells in table.rows if not _blank(cells)]
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
                    _expected_problem(),
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
            _expected_problem(),
            f"Dòng {first_line} của tệp: {found} / Row {first_line} of the file: {found}",
        ],
    )


# --- rows ------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

ExemplarValues = dict[str, str | bool]


@dataclass(frozen=True)
class CheckedRow:
    line: int
    values: ExemplarValues  # every column key; kind → "collective" (bool), consent → bool
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def key(self) -> str:
        return dedupe_key(str(self.values["name"]), str(self.values["unit"]))


def clean_cell(text: str, multiline: bool) -> str:
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text)).replace("\r\n", "\n")
    text = text.replace("\r", "\n")
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _SPACES.sub(" ", text).strip()


def _row_problem(line: int, vi: str, en: str) -> str:
    return f"Dòng {line}: {vi} / Row {line}: {en}"


def check_row(line: int, cells: Sequence[str], header: Header) -> CheckedRow:
    """One data row: its values, or each thing wrong with it."""
    problems: list[str] = []
    raw: dict[str, str] = {}
    for column in COLUMNS:
        index = header.positions.get(column.key)
        cell = cells[index] if index is not None and index < len(cells) else ""
        value = clean_cell(cell, column.multiline)
        if len(value) > column.max_length:
            problems.append(
                _row_problem(
                    line,
                    f"{column.label} dài quá {column.max_length} ký tự",
                    f"{column.label_en} is longer than {column.max_length} characters",
                )
            )
            value = value[: column.max_length]
        raw[column.key] = value
    if not raw["name"]:
        problems.append(_row_problem(line, "thiếu tên", "name missing"))
    if not raw["unit"]:
        problems.append(_row_problem(line, "thiếu đơn vị", "unit missing"))
    if not raw["achievements"]:
        problems.append(_row_problem(line, "thiếu thành tích", "achievements missing"))
    kind = header_key(raw["kind"])
    collective = kind in COLLECTIVE
    if not kind:
        problems.append(_row_problem(line, "thiếu Cá nhân/Tập thể", "person/collective missing"))
    elif kind not in PERSON | COLLECTIVE:
        problems.append(
            _row_problem(
                line,
                f"“{raw['kind'][:40]}” ở cột Cá nhân/Tập thể: hãy ghi “Cá nhân” hoặc “Tập thể”",
                f"“{raw['kind'][:40]}” in Person/Collective: write “Cá nhân” or “Tập thể”",
            )
        )
    consent_word = header_key(raw["consent"])
    if consent_word not in YES | NO:
        problems.append(
            _row_problem(
                line,
                f"“{raw['consent'][:40]}” ở cột Đồng ý công bố: hãy ghi “Có” hoặc “Không”",
                f"“{raw['consent'][:40]}” in Consent: write “Có” (yes) or “Không” (no)",
            )
        )
    values: ExemplarValues = {
        **raw,
        "kind": "collective" if collective else "person",
        "consent": consent_word in YES,
    }
    return CheckedRow(line, values, tuple(problems))


@dataclass(frozen=True)
class Preview:
    format: FileFormat
    encoding: str
    delimiter: str
    header_line: int
    ignored_columns: tuple[str, ...]
    rows: list[CheckedRow] = field(default_factory=list)

    @property
    def ok_rows(self) -> list[CheckedRow]:
        return [r for r in self.rows if r.ok]


def check_rows(table: RawTable, header: Header, stored: Mapping[str, str]) -> list[CheckedRow]:
    """Every non-blank row after the header, with duplicates marked: within the file (the
    later row) and against exemplars already stored (``stored``: dedupe key → exemplar id)."""
    checked: list[CheckedRow] = []
    first_seen: dict[str, int] = {}
    for line, cells in table.rows:
        if line <= header.line or _blank(cells):
            continue
        row = check_row(line, cells, header)
        extra: list[str] = []
        if row.values["name"] and row.values["unit"]:
            key = row.key
            if key in stored:
                extra.append(
                    _row_problem(
                        line,
                        f"đã có trong Phòng báo chí ({stored[key]}, cùng tên và đơn vị)",
                        f"already in the press room ({stored[key]}, same name and unit)",
                    )
                )
            elif key in first_seen:
                extra.append(
                    _row_problem(
                        line,
                        f"trùng với dòng {first_seen[key]} (cùng tên và đơn vị)",
                        f"duplicates row {first_seen[key]} (same name and unit)",
                    )
                )
            else:
                first_seen[key] = line
        checked.append(CheckedRow(line, row.values, row.problems + tuple(extra)))
    if not checked:
        raise ImportFileError(
            "Tệp chỉ có dòng tiêu đề, không có gương điển hình nào. "
            "/ The file has a header row but no exemplars."
        )
    if len(checked) > MAX_ROWS:
        raise ImportFileError(
            f"Tệp có quá {MAX_ROWS:,} dòng; hãy chia thành nhiều tệp. ".replace(",", ".")
            + f"/ The file has more than {MAX_ROWS:,} rows; split it into several files."
        )
    return checked


def preview(data: bytes, stored: Mapping[str, str]) -> Preview:
    """Read, find the header, check every row: what an import would save, and why not."""
    table = read_table(data)
    header = find_header(table)
    rows = check_rows(table, header, stored)
    return Preview(table.format, table.encoding, table.delimiter, header.line, header.ignored, rows)


# --- export ----------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """CSV for Excel (the caller adds a UTF-8 BOM), every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        writer.writerow([csv_safe(c) for c in row])
    return out.getvalue()


def pages_of(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))
