"""Printable PDFs of judging: a juror's score sheet (phiếu chấm) and a council's minutes
(biên bản), A4, in the usual Vietnamese administrative layout, ready to print and sign.

Pure functions of their input: no I/O but reading the bundled font, no clock (the PDF's dates
come from the document), so the same input gives the same bytes.

The font is Be Vietnam Pro from the PyPI package ``fontpkg-be-vietnam-pro``: static TTFs made for
Vietnamese (ơ ư ă đ and stacked tones like ặ ỗ ữ), Regular, Bold and Italic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import cast

from fpdf import FPDF, FontFace
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from .documents import (
    CriterionColumn,
    Minutes,
    MinutesMember,
    ResultLine,
    ScoreSheet,
    format_clock_and_date,
    format_datetime,
    format_score,
    format_vnd,
)

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SIGNATURE_HINT = "(Ký, ghi rõ họ tên)"

_FONT_PACKAGE = "fontpkg_be_vietnam_pro"
_FAMILY = "BeVietnamPro"
_FONT_FILES = {
    "": "BeVietnamPro-Regular.ttf",
    "B": "BeVietnamPro-Bold.ttf",
    "I": "BeVietnamPro-Italic.ttf",
}

# Margins after the administrative-document convention (wider on the binding side), in mm.
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 20.0, 15.0, 15.0, 18.0
_A4_SHORT, _A4_LONG = 210.0, 297.0
_BODY_SIZE = 10.5
_TABLE_SIZE = 9.0
_TABLE_LINE = 4.4
_TABLE_PADDING_Y, _TABLE_PADDING_X = 1.0, 1.2
_LINE = 5.5
_SIGNATURE_HEIGHT = 42.0  # title, hint, room to sign, name


def _font_path(style: str) -> Path:
    path = Path(str(files(_FONT_PACKAGE).joinpath("files", _FONT_FILES[style])))
    if not path.is_file():
        raise RuntimeError(f"font file missing: {path} (reinstall fontpkg-be-vietnam-pro)")
    return path


@dataclass(frozen=True)
class _Column:
    heading: str
    width: float | None  # mm; None: shares what the fixed columns leave
    align: str = "L"
    min_width: float = 0.0  # for a shared column: below this, the page turns to landscape


def _orientation_and_widths(columns: Sequence[_Column]) -> tuple[str, list[float]]:
    """Portrait when the columns fit, landscape when they do not; shared columns split the rest."""
    fixed = sum(column.width or 0.0 for column in columns)
    least = fixed + sum(column.min_width for column in columns if column.width is None)
    portrait_width = _A4_SHORT - _MARGIN_LEFT - _MARGIN_RIGHT
    orientation = "P" if least <= portrait_width else "L"
    available = portrait_width if orientation == "P" else _A4_LONG - _MARGIN_LEFT - _MARGIN_RIGHT
    shared = [column for column in columns if column.width is None]
    weight = sum(column.min_width or 1.0 for column in shared)
    rest = max(available - fixed, 0.0)
    widths = [
        column.width if column.width is not None else rest * (column.min_width or 1.0) / weight
        for column in columns
    ]
    return orientation, widths


class _Document(FPDF):
    """A4 with the bundled font and a footer: a note on the left, "Trang x/y" on the right."""

    def __init__(self, orientation: str, footer_note: str) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.footer_note = footer_note
        # Set when the signatures had to start a page of their own: a page that holds only
        # signatures signs nothing, so the documents are then laid out again.
        self.signatures_alone = False
        self.set_margins(_MARGIN_LEFT, _MARGIN_TOP, _MARGIN_RIGHT)
        self.set_auto_page_break(True, margin=_MARGIN_BOTTOM)
        for style in _FONT_FILES:
            self.add_font(_FAMILY, style, _font_path(style))
        self.set_lang("vi-VN")
        self.set_creator("Lan Toả")
        self.add_page()
        self.set_font(_FAMILY, "", _BODY_SIZE)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_text_color(80)
        page_width = 24.0
        size = 8.0
        self.set_font(_FAMILY, "", size)
        # A long note shrinks rather than run into the page number.
        while size > 6 and self.get_string_width(self.footer_note) > self.epw - page_width:
            size -= 0.5
            self.set_font(_FAMILY, "", size)
        self.cell(self.epw - page_width, 5, self.footer_note, align=Align.L)
        self.set_font(_FAMILY, "", 8)
        self.cell(page_width, 5, f"Trang {self.page_no()}/{{nb}}", align=Align.R)
        self.set_text_color(0)

    # --- building blocks -----------------------------------------------------------------------

    def letterhead(self, organiser: str) -> None:
        """Organiser on the left, the national name and motto on the right, each underlined."""
        top = self.get_y()
        left_width = self.epw * 0.42
        right_width = self.epw - left_width
        self.set_font(_FAMILY, "B", 10)
        self.set_xy(self.l_margin, top)
        self.multi_cell(
            left_width, 5, organiser.upper(), align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT
        )
        left_bottom = self.get_y() + 1
        self._centred_rule(self.l_margin + left_width / 2, left_bottom, left_width / 3)

        self.set_xy(self.l_margin + left_width, top)
        self._fitting_bold(NATION, right_width, 11)
        self.cell(right_width, 5, NATION, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self._fitting_bold(MOTTO, right_width, 12)
        self.cell(right_width, 6, MOTTO, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
        right_bottom = self.get_y() + 0.5
        centre = self.l_margin + left_width + right_width / 2
        self._centred_rule(centre, right_bottom, self.get_string_width(MOTTO))
        self.set_xy(self.l_margin, max(left_bottom, right_bottom) + 7)

    def title_block(self, title: str, subtitles: Iterable[str]) -> None:
        self.set_font(_FAMILY, "B", 14)
        self.multi_cell(0, 7, title, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(_FAMILY, "B", 11)
        for line in subtitles:
            if line:
                self.multi_cell(0, 5.5, line, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(4)

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font(_FAMILY, "B", 11)
        self.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def labelled(self, label: str, value: str) -> None:
        """A label in bold, a colon, then its value as flowing text that wraps."""
        self.set_x(self.l_margin)
        self.set_font(_FAMILY, "B", _BODY_SIZE)
        self.write(_LINE, f"{label}: ")
        self.set_font(_FAMILY, "", _BODY_SIZE)
        self.write(_LINE, value)
        self.ln(_LINE)

    def paragraph(self, text: str, style: str = "") -> None:
        self.set_font(_FAMILY, style, _BODY_SIZE)
        self.multi_cell(0, _LINE, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bordered_table(
        self,
        columns: Sequence[_Column],
        widths: Sequence[float],
        rows: Iterable[Sequence[str]],
        min_row_height: float | None = None,
    ) -> None:
        """Bordered table whose header row is repeated at the top of every page it runs onto."""
        self.set_font(_FAMILY, "", _TABLE_SIZE)
        with self.table(
            col_widths=tuple(widths),
            width=sum(widths),
            align=Align.L,
            text_align=tuple(column.align for column in columns),
            line_height=_TABLE_LINE,
            padding=(_TABLE_PADDING_Y, _TABLE_PADDING_X),
            headings_style=FontFace(emphasis="BOLD", fill_color=(232, 232, 232)),
            repeat_headings=1,
            min_row_height=min_row_height,
        ) as table:
            header = table.row()
            for column in columns:
                header.cell(column.heading, align=Align.C)
            for values in self._page_sized(columns, widths, rows):
                row = table.row()
                for value in values:
                    row.cell(value)
        self.set_font(_FAMILY, "", _BODY_SIZE)
        self.ln(2)

    def _page_sized(
        self, columns: Sequence[_Column], widths: Sequence[float], rows: Iterable[Sequence[str]]
    ) -> Iterator[Sequence[str]]:
        """Rows as given, but one taller than a page (a very long comment) is cut into
        continuation rows, since a table row cannot run over a page break."""
        self.set_font(_FAMILY, "B", _TABLE_SIZE)
        heading_lines = max(
            len(self._wrapped(column.heading, width))
            for column, width in zip(columns, widths, strict=True)
        )
        self.set_font(_FAMILY, "", _TABLE_SIZE)
        room = self.page_break_trigger - self.t_margin - 4 * _TABLE_PADDING_Y
        # Two lines of slack for wrapping that comes out a little differently when drawn.
        most_lines = max(int(room / _TABLE_LINE) - heading_lines - 2, 1)
        for values in rows:
            if all(
                self._surely_fits(value, width, most_lines)
                for value, width in zip(values, widths, strict=True)
            ):
                yield values
                continue
            wrapped = [
                self._wrapped(value, width) for value, width in zip(values, widths, strict=True)
            ]
            tallest = max((len(lines) for lines in wrapped), default=0)
            if tallest <= most_lines:
                yield values
                continue
            for start in range(0, tallest, most_lines):
                yield ["\n".join(lines[start : start + most_lines]) for lines in wrapped]

    def _surely_fits(self, text: str, width: float, most_lines: int) -> bool:
        """A cheap upper bound on the lines a cell wraps to: a wrapped line is filled at least
        to the column's width less the longest word, so no full line breaking is needed."""
        if len(text) <= most_lines:  # every line holds at least one character
            return True
        usable = width - 2 * _TABLE_PADDING_X
        longest_word = max((self.get_string_width(word) for word in text.split()), default=0.0)
        if longest_word >= usable:
            return False
        filled = usable - longest_word
        lines = sum(1 + self.get_string_width(part) / filled for part in text.split("\n"))
        return lines <= most_lines

    def _wrapped(self, text: str, width: float) -> list[str]:
        lines = self.multi_cell(
            width - 2 * _TABLE_PADDING_X,
            _TABLE_LINE,
            text,
            dry_run=True,
            output=MethodReturnValue.LINES,
        )
        return cast(list[str], lines)

    def signatures(self, left: tuple[str, str] | None, right: tuple[str, str]) -> None:
        """Signature blocks (title, printed name) side by side, never split over two pages."""
        if self.get_y() + _SIGNATURE_HEIGHT + 6 > self.page_break_trigger:
            self.add_page()
            self.signatures_alone = True
        self.ln(6)
        top = self.get_y()
        half = self.epw / 2
        for index, block in enumerate((left, right)):
            if block is None:
                continue
            title, name = block
            x = self.l_margin + index * half
            self.set_xy(x, top)
            self.set_font(_FAMILY, "B", 11)
            self.cell(half, 6, title, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_font(_FAMILY, "I", 10)
            self.cell(half, 5, SIGNATURE_HINT, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_xy(x, top + _SIGNATURE_HEIGHT - 8)
            self.set_font(_FAMILY, "B", 11)
            self.multi_cell(half, 6, name, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_xy(self.l_margin, top + _SIGNATURE_HEIGHT)

    def _fitting_bold(self, text: str, width: float, size: float) -> None:
        self.set_font(_FAMILY, "B", size)
        while size > 8 and self.get_string_width(text) > width - 2:
            size -= 0.5
            self.set_font(_FAMILY, "B", size)

    def _centred_rule(self, centre: float, y: float, width: float) -> None:
        self.set_line_width(0.3)
        self.line(centre - width / 2, y, centre + width / 2, y)


def _metadata(pdf: _Document, title: str, organiser: str, created: datetime) -> None:
    # Document properties name no contestant: in a blind round nothing may reveal an author.
    pdf.set_title(title)
    pdf.set_author(organiser)
    pdf.set_subject(title)
    pdf.set_creation_date(created)


# --- Score sheet (phiếu chấm) ------------------------------------------------------------------


def _criterion_heading(criterion: CriterionColumn) -> str:
    return f"{criterion.name}\n(tối đa {format_score(criterion.max_points)})"


def _sheet_columns(criteria: Sequence[CriterionColumn]) -> list[_Column]:
    return [
        _Column("STT", 9, "C"),
        _Column("Mã tác phẩm", 17, "C"),
        _Column("Tên tác phẩm", None, "L", min_width=40),
        *(_Column(_criterion_heading(c), 14, "C") for c in criteria),
        _Column("Tổng điểm\n(thang 100)", 15, "C"),
        _Column("Nhận xét", None, "L", min_width=40),
        _Column("Trạng thái", 15, "C"),
    ]


def _weights_note(criteria: Sequence[CriterionColumn]) -> str | None:
    """Said only when a weight differs from its maximum (then the total is not a plain sum)."""
    if all(abs(c.weight - c.max_points) < 1e-9 for c in criteria):
        return None
    shares = "; ".join(f"{c.name}: {format_score(c.weight)}" for c in criteria)
    return f"Trọng số các tiêu chí (quy về thang 100): {shares}."


def score_sheet_pdf(sheet: ScoreSheet) -> bytes:
    """A juror's score sheet for one round: criteria with their maxima, points, totals and
    comments per entry, a signature block for the juror, "Trang x/y" on every page."""
    pdf = _score_sheet(sheet, carry_last_row=False)
    if pdf.signatures_alone and sheet.rows:
        pdf = _score_sheet(sheet, carry_last_row=True)
    return bytes(pdf.output())


def _score_sheet(sheet: ScoreSheet, *, carry_last_row: bool) -> _Document:
    """``carry_last_row``: start a page before the last row, so the signature has company."""
    columns = _sheet_columns(sheet.criteria)
    orientation, widths = _orientation_and_widths(columns)
    pdf = _Document(orientation, footer_note=f"In lúc {format_datetime(sheet.printed_at)}")
    _metadata(pdf, f"Phiếu chấm điểm — {sheet.round_name}", sheet.organiser, sheet.printed_at)
    pdf.letterhead(sheet.organiser)
    pdf.title_block("PHIẾU CHẤM ĐIỂM", (sheet.contest_title, sheet.round_name))
    pdf.labelled("Hội đồng", sheet.council_name)
    pdf.labelled("Giám khảo", sheet.juror_name)
    if sheet.juror_organisation:
        pdf.labelled("Đơn vị công tác", sheet.juror_organisation)
    if sheet.blind:
        pdf.paragraph(
            "Vòng chấm kín: tác phẩm chỉ ghi mã số và tên, không ghi tên tác giả.", style="I"
        )
    pdf.paragraph(
        "Tổng điểm quy về thang 100 theo trọng số của các tiêu chí; ô trống là chưa chấm.",
        style="I",
    )
    weights = _weights_note(sheet.criteria)
    if weights:
        pdf.paragraph(weights, style="I")
    pdf.ln(2)
    rows = [
        (
            str(number),
            row.entry_code,
            row.title,
            *(format_score(row.points.get(c.code)) for c in sheet.criteria),
            format_score(row.total),
            row.comment,
            row.status,
        )
        for number, row in enumerate(sheet.rows, start=1)
    ]
    if carry_last_row and len(rows) > 1:
        pdf.bordered_table(columns, widths, rows[:-1])
        pdf.add_page()
        rows = rows[-1:]
    pdf.bordered_table(columns, widths, rows)
    pdf.signatures(None, ("Giám khảo", sheet.juror_name))
    return pdf


# --- Minutes (biên bản) ------------------------------------------------------------------------


def _minutes_title(council_name: str) -> tuple[str, list[str]]:
    if council_name.casefold().startswith("hội đồng"):
        return f"BIÊN BẢN HỌP {council_name.upper()}", []
    return "BIÊN BẢN HỌP HỘI ĐỒNG", [council_name]


def _result_columns(labels: Sequence[str], with_category: bool) -> list[_Column]:
    return [
        _Column("Hạng", 12, "C"),
        _Column("Mã tác phẩm", 17, "C"),
        _Column("Tác phẩm", None, "L", min_width=38),
        *([_Column("Thể loại", 20, "L")] if with_category else []),
        *(_Column(label, 17, "R") for label in labels),
        _Column("Giải", 18, "C"),
        _Column("Tiền thưởng", 26, "R"),
        _Column("Ghi chú", None, "L", min_width=26),
    ]


def _result_row(line: ResultLine, labels: Sequence[str], with_category: bool) -> list[str]:
    work = f"{line.title}\nTác giả: {line.authors}" if line.authors else line.title
    return [
        "" if line.rank is None else str(line.rank),
        line.entry_code,
        work,
        *([line.category] if with_category else []),
        *(format_score(line.values.get(label), missing="—") for label in labels),
        line.tier or "",
        format_vnd(line.prize_vnd),
        "; ".join(line.flags),
    ]


def _member_rows(members: Sequence[MinutesMember]) -> Iterable[list[str]]:
    for number, member in enumerate(members, start=1):
        yield [str(number), member.name, member.role, member.organisation, ""]


def _name_with_role(members: Sequence[MinutesMember], role: str) -> str:
    for member in members:
        if member.role.casefold().startswith(role):
            return member.name
    return ""


def minutes_pdf(minutes: Minutes) -> bytes:
    """The minutes of a council's meeting on a round: time and place, members (with room to
    sign), the ranking method and rule, the results table, prizes against the budget, notes,
    the approved snapshot's hash, and the chair's and secretary's signature blocks. The ranking
    method is also printed at the foot of every page."""
    pdf = _minutes(minutes, totals_on_new_page=False)
    if pdf.signatures_alone:
        pdf = _minutes(minutes, totals_on_new_page=True)
    return bytes(pdf.output())


def _minutes(minutes: Minutes, *, totals_on_new_page: bool) -> _Document:
    """``totals_on_new_page``: start a page before the totals, so the signatures have company."""
    labels = minutes.value_labels
    categories = {line.category for line in minutes.lines}
    with_category = len(categories) > 1
    columns = _result_columns(labels, with_category)
    orientation, widths = _orientation_and_widths(columns)
    pdf = _Document(orientation, footer_note=f"Phương pháp xếp hạng: {minutes.method_label}")
    title, council_lines = _minutes_title(minutes.council_name)
    _metadata(pdf, f"Biên bản — {minutes.round_name}", minutes.organiser, minutes.held_at)
    pdf.letterhead(minutes.organiser)
    pdf.title_block(title, (*council_lines, minutes.contest_title, minutes.round_name))

    pdf.heading("I. THỜI GIAN, ĐỊA ĐIỂM")
    pdf.labelled("Thời gian", format_clock_and_date(minutes.held_at))
    pdf.labelled("Địa điểm", minutes.place)

    pdf.heading("II. THÀNH PHẦN")
    member_columns = [
        _Column("STT", 9, "C"),
        _Column("Họ và tên", None, "L", min_width=40),
        _Column("Chức danh", 38, "L"),
        _Column("Đơn vị công tác", None, "L", min_width=40),
        _Column("Ký tên", 28, "C"),
    ]
    _, member_widths = _orientation_and_widths(member_columns)
    member_widths = _stretch(member_widths, pdf.epw)
    # Tall rows: each member signs in the last column.
    pdf.bordered_table(
        member_columns, member_widths, _member_rows(minutes.members), min_row_height=11
    )

    pdf.heading("III. KẾT QUẢ")
    pdf.labelled("Phương pháp xếp hạng", minutes.method_label)
    pdf.labelled("Quy tắc", minutes.rule_text)
    if len(categories) == 1:
        pdf.labelled("Thể loại", next(iter(categories)))
    pdf.ln(1)
    pdf.bordered_table(
        columns, widths, (_result_row(line, labels, with_category) for line in minutes.lines)
    )
    if totals_on_new_page:
        pdf.add_page()
    pdf.labelled("Tổng giá trị giải thưởng", format_vnd(minutes.total_prize_vnd))
    pdf.labelled("Kinh phí được duyệt", format_vnd(minutes.budget_vnd))
    if minutes.total_prize_vnd > minutes.budget_vnd:
        excess = format_vnd(minutes.total_prize_vnd - minutes.budget_vnd)
        pdf.paragraph(f"Tổng giải thưởng vượt kinh phí được duyệt {excess}.", style="B")

    if minutes.notes:
        pdf.heading("IV. GHI CHÚ")
        for note in minutes.notes:
            pdf.paragraph(f"- {note}")

    pdf.ln(2)
    if minutes.snapshot_hash:
        pdf.labelled("Mã kiểm chứng kết quả đã phê duyệt", minutes.snapshot_hash)
    else:
        pdf.paragraph("Kết quả chưa được phê duyệt (chưa có mã kiểm chứng).", style="I")

    pdf.signatures(
        ("Thư ký", _name_with_role(minutes.members, "thư ký")),
        ("Chủ tịch Hội đồng", _name_with_role(minutes.members, "chủ tịch")),
    )
    return pdf


def _stretch(widths: Sequence[float], total: float) -> list[float]:
    """Scale widths to fill ``total`` (a table laid out for portrait on a landscape page)."""
    current = sum(widths)
    return [width * total / current for width in widths]
