"""Texts: counting the words of plain text, PDF, Word (.docx) and OpenDocument (.odt), and
the pages of a PDF, refusing files that are cut, corrupt or password-protected; in the same
pass, when asked, their reading copy (see reading_copy)."""

from __future__ import annotations

import codecs
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from pypdf import PdfReader

from ..domain.media import DOCX, ODT
from .facts import CHUNK, MediaFacts, UnreadableMedia, damaged
from .reading_copy import ReadingCopy, TextSink
from .xmlsafe import member_chunks, open_document_zip, xml_parser


@dataclass(frozen=True)
class DocumentReading:
    facts: MediaFacts
    # The reading copy: None when not asked for, or for .doc and .rtf, which are not read.
    text: str | None = None


def probe_document(path: Path, media_type: str) -> MediaFacts:
    return read_document(path, media_type, reading_copy=False).facts


def read_document(path: Path, media_type: str, *, reading_copy: bool) -> DocumentReading:
    """Measure a text file and, with `reading_copy`, extract its body text with paragraphs."""
    sink = TextSink(ReadingCopy() if reading_copy else None)
    if media_type == "text/plain":
        _read_plain(path, sink)
        facts = MediaFacts(words=sink.words())
    elif media_type == "application/pdf":
        facts = MediaFacts(pages=_read_pdf(path, sink), words=sink.words())
    elif media_type == DOCX:
        _read_zip(path, "word/document.xml", _DocxText(sink), "Word", "Word")
        facts = MediaFacts(words=sink.words())
    elif media_type == ODT:
        _read_zip(path, "content.xml", _OdtText(sink), "OpenDocument", "OpenDocument")
        facts = MediaFacts(words=sink.words())
    else:
        return DocumentReading(MediaFacts())  # .doc and .rtf: no reliable reading without Word
    return DocumentReading(facts, sink.reading_copy())


def _read_plain(path: Path, sink: TextSink) -> None:
    """UTF-8 (a byte order mark is dropped), or UTF-16 when it starts with its byte order mark."""
    with path.open("rb") as file:
        bom = file.read(2)
        encoding = "utf-16" if bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        sink.plain(decoder.decode(bom))
        while chunk := file.read(CHUNK):
            sink.plain(decoder.decode(chunk))
    sink.plain(decoder.decode(b"", final=True))


def _read_pdf(path: Path, sink: TextSink) -> int:
    """Each page's text, a page ending a paragraph; the number of pages."""
    unreadable = damaged("PDF", "PDF")
    with path.open("rb") as file:
        file.seek(0, 2)
        file.seek(max(0, file.tell() - 1024))
        if b"%%EOF" not in file.read():
            raise unreadable  # the end marker is missing: the upload was cut
        file.seek(0)
        try:
            reader = PdfReader(file)
            if reader.is_encrypted and not reader.decrypt(""):
                raise UnreadableMedia(
                    "Tệp PDF có mật khẩu; hãy gửi bản không đặt mật khẩu. "
                    "/ The PDF is password-protected; send it without a password."
                )
            for page in reader.pages:
                sink.plain(page.extract_text() or "")
                sink.paragraph()
            return len(reader.pages)
        except UnreadableMedia:
            raise
        except Exception as error:  # pypdf raises many kinds on hostile input
            raise unreadable from error


# --- Word and OpenDocument -------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_FALLBACK = "http://schemas.openxmlformats.org/markup-compatibility/2006 Fallback"


class _DocxText:
    """Text runs of word/document.xml: w:t inside paragraphs; runs join without a space."""

    _PARAGRAPHS = frozenset({f"{W} p", f"{W} tc"})
    _LINE_BREAKS = frozenset({f"{W} br", f"{W} cr"})
    # Deleted or moved-away text, and the legacy copy of text boxes, are not read.
    _SKIPPED = frozenset({f"{W} del", f"{W} moveFrom", _MC_FALLBACK})

    def __init__(self, sink: TextSink) -> None:
        self.sink = sink
        self.skipping = 0
        self.in_text = False

    def start(self, name: str, _attributes: dict[str, str]) -> None:
        if name in self._SKIPPED:
            self.skipping += 1
        elif self.skipping:
            return
        elif name == f"{W} t":
            self.in_text = True
        elif name in self._PARAGRAPHS:
            self.sink.paragraph()  # also before a text box's paragraphs inside a paragraph
        elif name in self._LINE_BREAKS:
            self.sink.line_break()
        elif name == f"{W} tab":
            self.sink.space()

    def end(self, name: str) -> None:
        if name in self._SKIPPED:
            self.skipping -= 1
        elif name == f"{W} t":
            self.in_text = False
        elif name in self._PARAGRAPHS and not self.skipping:
            self.sink.paragraph()

    def text(self, data: str) -> None:
        if self.in_text:
            self.sink.text(data)


_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


class _OdtText:
    """Character data of office:body, without comments, notes and tracked deletions."""

    _PARAGRAPHS = frozenset({f"{_ODF_TEXT} p", f"{_ODF_TEXT} h"})
    _SPACES = frozenset({f"{_ODF_TEXT} tab", f"{_ODF_TEXT} s"})
    _SKIPPED = frozenset(
        {
            f"{_ODF_OFFICE} annotation",
            f"{_ODF_TEXT} note",
            f"{_ODF_TEXT} tracked-changes",
        }
    )

    def __init__(self, sink: TextSink) -> None:
        self.sink = sink
        self.skipping = 0
        self.in_body = False

    def start(self, name: str, _attributes: dict[str, str]) -> None:
        if name == f"{_ODF_OFFICE} body":
            self.in_body = True
        elif name in self._SKIPPED:
            self.skipping += 1
        elif self.skipping:
            return
        elif name in self._PARAGRAPHS:
            self.sink.paragraph()
        elif name == f"{_ODF_TEXT} line-break":
            self.sink.line_break()
        elif name in self._SPACES:
            self.sink.space()

    def end(self, name: str) -> None:
        if name == f"{_ODF_OFFICE} body":
            self.in_body = False
        elif name in self._SKIPPED:
            self.skipping -= 1
        elif name in self._PARAGRAPHS and not self.skipping:
            self.sink.paragraph()

    def text(self, data: str) -> None:
        if self.in_body and not self.skipping:
            self.sink.text(data)


def _read_zip(
    path: Path,
    member: str,
    handler: _DocxText | _OdtText,
    vi: str,
    en: str,
) -> None:
    parser = xml_parser(handler.start, handler.end, handler.text)
    try:
        with open_document_zip(path) as archive:
            for chunk in member_chunks(archive, member):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except UnreadableMedia:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        KeyError,
        expat.ExpatError,
        zlib.error,
        EOFError,
        OSError,
        NotImplementedError,  # an unsupported compression method
        RuntimeError,  # an encrypted member
        ValueError,
    ) as error:
        raise damaged(vi, f"{en} file") from error
