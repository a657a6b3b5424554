"""Texts: counting the words of plain text, PDF, Word (.docx) and OpenDocument (.odt), and
the pages of a PDF, refusing files that are cut, corrupt or password-protected."""

from __future__ import annotations

import codecs
import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

from pypdf import PdfReader

from ..domain.media import DOCX, ODT
from .facts import CHUNK, MediaFacts, UnreadableMedia, damaged
from .words import WordCounter
from .xmlsafe import member_chunks, open_document_zip, xml_parser


def probe_document(path: Path, media_type: str) -> MediaFacts:
    if media_type == "text/plain":
        return MediaFacts(words=_plain_words(path))
    if media_type == "application/pdf":
        return _probe_pdf(path)
    if media_type == DOCX:
        return MediaFacts(words=_zip_words(path, "word/document.xml", _DocxText, "Word", "Word"))
    if media_type == ODT:
        return MediaFacts(
            words=_zip_words(path, "content.xml", _OdtText, "OpenDocument", "OpenDocument")
        )
    return MediaFacts()  # .doc and .rtf: no reliable count without Word itself


def _plain_words(path: Path) -> int:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    counter = WordCounter()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            counter.feed(decoder.decode(chunk))
    counter.feed(decoder.decode(b"", final=True))
    return counter.total()


def _probe_pdf(path: Path) -> MediaFacts:
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
            counter = WordCounter()
            pages = len(reader.pages)
            for page in reader.pages:
                counter.feed(page.extract_text() or "")
                counter.boundary()
        except UnreadableMedia:
            raise
        except Exception as error:  # pypdf raises many kinds on hostile input
            raise unreadable from error
    return MediaFacts(pages=pages, words=counter.total())


# --- Word and OpenDocument -------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_FALLBACK = "http://schemas.openxmlformats.org/markup-compatibility/2006 Fallback"


class _DocxText:
    """Text runs of word/document.xml: w:t inside paragraphs; runs join without a space."""

    _BREAKS = frozenset(f"{W} {n}" for n in ("p", "tab", "br", "cr", "tc"))
    # Deleted or moved-away text, and the legacy copy of text boxes, are not counted.
    _SKIPPED = frozenset({f"{W} del", f"{W} moveFrom", _MC_FALLBACK})

    def __init__(self, counter: WordCounter) -> None:
        self.counter = counter
        self.skipping = 0
        self.in_text = False

    def start(self, name: str, _attributes: dict[str, str]) -> None:
        if name in self._SKIPPED:
            self.skipping += 1
        elif name == f"{W} t":
            self.in_text = not self.skipping
        elif name in self._BREAKS:
            self.counter.boundary()

    def end(self, name: str) -> None:
        if name in self._SKIPPED:
            self.skipping -= 1
        elif name == f"{W} t":
            self.in_text = False
        elif name in self._BREAKS:
            self.counter.boundary()

    def text(self, data: str) -> None:
        if self.in_text:
            self.counter.feed(data)


_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


class _OdtText:
    """Character data of office:body, without comments, notes and tracked deletions."""

    _BREAKS = frozenset(f"{_ODF_TEXT} {n}" for n in ("p", "h", "tab", "line-break", "s"))
    _SKIPPED = frozenset(
        {
            f"{_ODF_OFFICE} annotation",
            f"{_ODF_TEXT} note",
            f"{_ODF_TEXT} tracked-changes",
        }
    )

    def __init__(self, counter: WordCounter) -> None:
        self.counter = counter
        self.skipping = 0
        self.in_body = False

    def start(self, name: str, _attributes: dict[str, str]) -> None:
        if name == f"{_ODF_OFFICE} body":
            self.in_body = True
        elif name in self._SKIPPED:
            self.skipping += 1
        elif name in self._BREAKS:
            self.counter.boundary()

    def end(self, name: str) -> None:
        if name == f"{_ODF_OFFICE} body":
            self.in_body = False
        elif name in self._SKIPPED:
            self.skipping -= 1
        elif name in self._BREAKS:
            self.counter.boundary()

    def text(self, data: str) -> None:
        if self.in_body and not self.skipping:
            self.counter.feed(data)


def _zip_words(
    path: Path,
    member: str,
    reader: type[_DocxText] | type[_OdtText],
    vi: str,
    en: str,
) -> int:
    counter = WordCounter()
    handler = reader(counter)
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
    return counter.total()
