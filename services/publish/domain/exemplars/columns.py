"""The columns an exemplar file has, the names organizers give them (with or without
diacritics, in Vietnamese or English) and the words for yes/no and person/collective."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from .text import fold

MAX_CELL = 5_000  # characters; the longest column (achievements) allows this many

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


def expected_problem() -> str:
    columns = expected_columns()
    return f"Các cột cần có: {columns} / Columns expected: {columns}"
