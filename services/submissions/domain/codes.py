"""Entry codes such as ``LS26-TH-0042``: contest, category, number."""

from __future__ import annotations


def entry_code(contest_code: str, category_code: str, number: int) -> str:
    if number < 1:
        raise ValueError("entry numbers start at 1")
    return f"{contest_code.upper()}-{category_code.upper()}-{number:04d}"
