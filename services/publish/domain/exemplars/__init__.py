"""The exemplar press room, pure: reading an organizer's CSV or XLSX into rows (encodings,
delimiters, header names), checking each row, finding duplicates, and folding Vietnamese text so
that a search without diacritics finds words with or without them.

Messages are "Vietnamese / English"; the pages show one half.
"""

from .columns import COLUMNS
from .reading import MAX_FILE_BYTES, MAX_ROWS, ImportFileError
from .rows import CheckedRow, Preview, csv_safe, preview, to_csv
from .text import (
    PAGE_SIZE,
    Term,
    dedupe_key,
    fold,
    format_code,
    pages_of,
    paragraphs,
    parse_code,
    search_terms,
    search_text,
)

__all__ = [
    "COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "PAGE_SIZE",
    "CheckedRow",
    "ImportFileError",
    "Preview",
    "Term",
    "csv_safe",
    "dedupe_key",
    "fold",
    "format_code",
    "pages_of",
    "paragraphs",
    "parse_code",
    "preview",
    "search_terms",
    "search_text",
    "to_csv",
]
