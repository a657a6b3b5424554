"""Reading untrusted XML and zip-based documents (Word, OpenDocument) without being
exhausted: bounded inflation, bounded member counts, and no DOCTYPE, hence no entities."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.parsers import expat

from .facts import CHUNK, UnreadableMedia

MAX_XML_BYTES = 50 << 20  # one XML part of a Word/OpenDocument file, once inflated
MAX_UNPACKED_BYTES = 1 << 30  # all members of such a zip together, as declared
MAX_ZIP_MEMBERS = 10_000

TOO_LARGE_UNPACKED = (
    "Tệp văn bản quá lớn khi giải nén (có thể là tệp độc hại). "
    "/ The document is too large once unpacked (possibly a malicious file)."
)
FORBIDDEN_DOCTYPE = (
    "Tệp văn bản chứa khai báo XML không được phép (DOCTYPE). "
    "/ The document contains a forbidden XML declaration (DOCTYPE)."
)


@contextmanager
def open_document_zip(path: Path) -> Iterator[zipfile.ZipFile]:
    """A zip-based document, refused when its members would inflate beyond reason."""
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise UnreadableMedia(TOO_LARGE_UNPACKED)
        # zipfile never inflates a member past its declared size, so the sum is a bound.
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise UnreadableMedia(TOO_LARGE_UNPACKED)
        yield archive


def member_chunks(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    info = archive.getinfo(name)
    if info.file_size > MAX_XML_BYTES:
        raise UnreadableMedia(TOO_LARGE_UNPACKED)
    read = 0
    with archive.open(info) as part:
        while chunk := part.read(CHUNK):
            read += len(chunk)
            if read > MAX_XML_BYTES:
                raise UnreadableMedia(TOO_LARGE_UNPACKED)
            yield chunk


def _refuse_doctype(*_: object) -> None:
    raise UnreadableMedia(FORBIDDEN_DOCTYPE)


def xml_parser(
    start: Callable[[str, dict[str, str]], None] | None = None,
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> Any:
    """A namespace-aware ("uri local") expat parser that refuses any DOCTYPE, hence any
    entity declaration: no billion laughs, no external entities."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.buffer_text = True
    if start is not None:
        parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    return parser
