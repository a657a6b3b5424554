"""Text typed by people, made safe to store and show: one line, no control characters."""

from __future__ import annotations

import unicodedata


def single_line(value: str) -> str:
    """NFC, control and format characters removed, runs of white space made one space."""
    value = unicodedata.normalize("NFC", value)
    kept = "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
        for c in value
        if unicodedata.category(c) not in ("Cf", "Co", "Cn", "Cs")
    )
    return " ".join(kept.split())


def multi_line(value: str) -> str:
    """Like single_line for each line; at most one empty line in a row."""
    lines = [single_line(line) for line in unicodedata.normalize("NFC", value).splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
