"""A text's reading copy: its body text as plain UTF-8 with its paragraphs, for jurors to read
comfortably (judging shows each paragraph as an HTML paragraph).

The format: paragraphs separated by one blank line; a line break inside a paragraph is a single
newline; runs of spaces and tabs are one space; no metadata, only what the reader was fed.

Document readers hand their body text to a TextSink, which counts its words and, when asked,
builds the reading copy in the same pass: a document is read once, one way."""

from __future__ import annotations

import re

from .words import WordCounter

READING_COPY_MAX_BYTES = 4 << 20  # far above any contest's word limit; bounds storage

# Whitespace that is collapsed into one space; non-breaking spaces are kept as written.
_SPACES = re.compile(r"[^\S\u00a0\u202f]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
# Line ends of plain text; a lone "\r" (old Mac) too. Form feed and paragraph separator end a
# paragraph, as a blank line does.
_LINE_ENDS = re.compile(r"(\r\n|[\r\n\v\x85\u2028]|[\f\u2029])")
_PARAGRAPH_ENDS = frozenset({"\f", "\u2029"})


class ReadingCopy:
    """Paragraphs collected from pieces of text and breaks, up to `max_bytes` of UTF-8.

    Past the limit the rest is dropped: the last paragraph kept ends on a whole word."""

    def __init__(self, max_bytes: int = READING_COPY_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.truncated = False
        self._paragraphs: list[str] = []
        self._size = 0  # UTF-8 bytes of the paragraphs kept, with their separators
        self._lines: list[str] = []  # finished lines of the current paragraph
        self._line: list[str] = []  # pieces of the current line
        self._pending = 0  # characters in _lines and _line
        self._after_cr = False  # plain text's last piece ended with "\r" (maybe half a "\r\n")

    def text(self, data: str) -> None:
        """Character data of a paragraph (any newline in it is only a space)."""
        if self.truncated or not data:
            return
        self._line.append(data)
        self._pending += len(data)
        if self._pending > self._room():  # every character is at least one byte: full
            self.paragraph()

    def space(self) -> None:
        self.text(" ")

    def line_break(self) -> None:
        """End the current line; an empty line ends the paragraph."""
        if not self.truncated and not self._finish_line():
            self.paragraph()

    def paragraph(self) -> None:
        """End the current paragraph (nothing happens if it is empty)."""
        if self.truncated:
            return
        self._finish_line()
        lines, self._lines, self._pending = self._lines, [], 0
        if not lines:
            return
        paragraph = "\n".join(lines)
        room = self._room()
        if len(paragraph.encode("utf-8", "replace")) > room:
            self._keep(_cut(paragraph, room))
            self.truncated = True
        else:
            self._keep(paragraph)

    def plain(self, data: str) -> None:
        """Text with its own line ends (a plain-text file, a PDF page), in pieces of any size."""
        if self.truncated:
            return
        if self._after_cr and data.startswith("\n"):
            data = data[1:]  # the second half of a "\r\n" split between two pieces
        self._after_cr = data.endswith("\r")
        for index, piece in enumerate(_LINE_ENDS.split(data)):
            if index % 2 == 0:
                self.text(piece)
            elif piece in _PARAGRAPH_ENDS:
                self.paragraph()
            else:
                self.line_break()

    def result(self) -> str:
        """The copy: paragraphs with a blank line between them, ending with a newline."""
        self.paragraph()
        return "\n\n".join(self._paragraphs) + "\n" if self._paragraphs else ""

    def _finish_line(self) -> bool:
        """Move the current line to the paragraph; False when it held nothing to read."""
        line = _clean("".join(self._line))
        self._line = []
        if line:
            self._lines.append(line)
        return bool(line)

    def _room(self) -> int:
        """Bytes the next paragraph may take: the separator before it and the final newline
        are counted."""
        separator = 2 if self._paragraphs else 0
        return max(0, self.max_bytes - 1 - self._size - separator)

    def _keep(self, paragraph: str) -> None:
        if not paragraph:
            return
        self._size += len(paragraph.encode("utf-8", "replace")) + (2 if self._paragraphs else 0)
        self._paragraphs.append(paragraph)


def _clean(line: str) -> str:
    return _SPACES.sub(" ", _CONTROLS.sub("", line)).strip(" ")


def _cut(paragraph: str, room: int) -> str:
    """The longest start of `paragraph` within `room` UTF-8 bytes that ends on a whole word."""
    head = paragraph.encode("utf-8", "replace")[:room].decode("utf-8", "ignore")
    if len(head) < len(paragraph) and paragraph[len(head)] not in " \n":
        head = head[: max(head.rfind(" "), head.rfind("\n"), 0)]  # drop the half word
    return head.rstrip(" \n")


class TextSink:
    """What a document reader hands its body text to: the word counter, and the reading copy
    when one is wanted."""

    def __init__(self, copy: ReadingCopy | None = None) -> None:
        self.counter = WordCounter()
        self.copy = copy

    def text(self, data: str) -> None:
        self.counter.feed(data)
        if self.copy is not None:
            self.copy.text(data)

    def space(self) -> None:
        """A tab, or a space written as an element."""
        self.counter.boundary()
        if self.copy is not None:
            self.copy.space()

    def line_break(self) -> None:
        self.counter.boundary()
        if self.copy is not None:
            self.copy.line_break()

    def paragraph(self) -> None:
        self.counter.boundary()
        if self.copy is not None:
            self.copy.paragraph()

    def plain(self, data: str) -> None:
        """Text whose newlines are its line and paragraph breaks."""
        self.counter.feed(data)
        if self.copy is not None:
            self.copy.plain(data)

    def words(self) -> int:
        return self.counter.total()

    def reading_copy(self) -> str | None:
        return None if self.copy is None else self.copy.result()
