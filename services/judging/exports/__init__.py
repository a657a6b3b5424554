"""Judging's documents for print and download: a juror's score sheet and a council's minutes as
PDF, a round's results as XLSX and CSV. Pure functions from the values in ``documents`` to
bytes; the caller decides what they may show (no authors in a blind round)."""

from .documents import (
    CriterionColumn,
    Minutes,
    MinutesMember,
    ResultLine,
    ResultsTable,
    ScoreSheet,
    SheetRow,
)
from .pdf import minutes_pdf, score_sheet_pdf
from .sheets import results_csv, results_xlsx

__all__ = [
    "CriterionColumn",
    "Minutes",
    "MinutesMember",
    "ResultLine",
    "ResultsTable",
    "ScoreSheet",
    "SheetRow",
    "minutes_pdf",
    "results_csv",
    "results_xlsx",
    "score_sheet_pdf",
]
