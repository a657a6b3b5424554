"""Vietnamese text for the press room: folding for searches that ignore diacritics or
respect them, duplicate keys, paragraphs, exemplar codes and pages."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

PAGE_SIZE = 20
MAX_QUERY_TERMS = 8

CODE_PREFIX = "GD"
CODE_PATTERN = re.compile(r"^\s*GD\s*-?\s*(\d{1,6})\s*$", re.IGNORECASE)


# --- Vietnamese text -------------------------------------------------------------------------

SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without diacritics: "Hoàng Văn Thụ" → "hoang van thu", "Đồng" → "dong"."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return SPACES.sub(" ", bare.casefold()).strip()


def exact(text: str) -> str:
    """Lower case, diacritics kept (NFC, so a Windows-1258 "u" + combining dot equals "ụ")."""
    return SPACES.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


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


def pages_of(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))
