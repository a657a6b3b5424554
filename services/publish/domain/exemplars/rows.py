"""Checking each row of an exemplar file, duplicates within it and against the press room,
the preview of an import, and exports safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .columns import COLLECTIVE, COLUMNS, NO, PERSON, YES, header_key
from .reading import (
    MAX_ROWS,
    FileFormat,
    Header,
    ImportFileError,
    RawTable,
    blank,
    find_header,
    read_table,
)
from .text import SPACES, dedupe_key

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
        lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return SPACES.sub(" ", text).strip()


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
        if line <= header.line or blank(cells):
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
