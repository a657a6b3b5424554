"""Stripping what names a document's author: Word and OpenDocument properties, comment and
revision authors (zip members copied as they are except the blanked XML parts), and the
PDF author (the document rewritten without its Info author and XMP packet)."""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter

from ..domain.media import DOCX
from .documents import W
from .facts import CHUNK
from .findings import REWRITE_ERRORS, CannotRewrite, Scrubbed, add_field, rewrite, xmp_fields
from .xmlsafe import member_chunks, open_document_zip, xml_parser

_DC = "http://purl.org/dc/elements/1.1/"
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"


@dataclass(frozen=True)
class _Part:
    """What to blank in the zip members whose names match: element texts, attribute values."""

    names: re.Pattern[str]
    elements: dict[tuple[str, str], str]
    attributes: dict[tuple[str, str], str]


_DOCX_PARTS = (
    _Part(
        re.compile(r"docProps/core\.xml"),
        {(_DC, "creator"): "docx creator", (_CP, "lastModifiedBy"): "docx lastModifiedBy"},
        {},
    ),
    _Part(
        re.compile(r"docProps/app\.xml"),
        {(_EP, "Company"): "docx Company", (_EP, "Manager"): "docx Manager"},
        {},
    ),
    _Part(
        re.compile(r"word/comments\.xml"),
        {},
        {(W, "author"): "docx comment author", (W, "initials"): "docx comment initials"},
    ),
    _Part(
        re.compile(r"word/people\.xml"),
        {},
        {(_W15, "author"): "docx people author", (_W15, "userId"): "docx people userId"},
    ),
    # Tracked changes in the body, headers, footers, notes: w:ins, w:del, w:rPrChange...
    _Part(re.compile(r"word/[^/]+\.xml"), {}, {(W, "author"): "docx revision author"}),
)
_ODT_PARTS = (
    _Part(
        re.compile(r"meta\.xml"),
        {(_DC, "creator"): "odt creator", (_META, "initial-creator"): "odt initial-creator"},
        {},
    ),
    # Comments (office:annotation) and tracked changes (office:change-info) name their author.
    _Part(re.compile(r"(content|styles)\.xml"), {(_DC, "creator"): "odt reviewer"}, {}),
)


def scrub_office(path: Path, media_type: str, out: Path) -> Scrubbed:
    """A Word or OpenDocument file (`media_type` DOCX or ODT)."""
    parts = _DOCX_PARTS if media_type == DOCX else _ODT_PARTS
    found: dict[str, str] = {}
    replaced: dict[str, bytes] = {}
    try:
        with open_document_zip(path) as archive:
            for info in archive.infolist():
                part = _part_for(info.filename, parts)
                if part is None:
                    continue
                xml = b"".join(member_chunks(archive, info.filename))
                targets = [local for _, local in (*part.elements, *part.attributes)]
                if not any(local.encode() in xml for local in targets):
                    continue  # cheap: most parts name nobody
                cleaned, part_found = _blank_xml(xml, part)
                for label, value in part_found.items():
                    add_field(found, label, value)
                if cleaned != xml:
                    replaced[info.filename] = cleaned
    except REWRITE_ERRORS:
        return Scrubbed(found, None, tuple(found))
    return rewrite(found, out, lambda: _write_zip(path, out, replaced), bool(replaced))


def _part_for(name: str, parts: tuple[_Part, ...]) -> _Part | None:
    return next((p for p in parts if p.names.fullmatch(name)), None)


def _blank_xml(xml: bytes, part: _Part) -> tuple[bytes, dict[str, str]]:
    """The part with the targeted texts and attribute values emptied, and what they held."""
    if not (xml.startswith(b"<") or xml.startswith(b"\xef\xbb\xbf<")):
        raise CannotRewrite("not UTF-8 XML")  # byte positions below assume UTF-8
    found: dict[str, str] = {}
    cuts: list[tuple[int, int]] = []
    open_elements: list[tuple[str, int, list[str]]] = []
    parser = xml_parser()
    parser.namespace_prefixes = True  # names arrive as "uri local prefix"
    parser.buffer_text = False  # byte positions are needed for every piece

    def start(name: str, attributes: dict[str, str]) -> None:
        here = parser.CurrentByteIndex
        for key, value in attributes.items():
            uri, local, prefix = _split_name(key)
            label = part.attributes.get((uri, local))
            if label is not None and value:
                add_field(found, label, value)
                raw = f"{prefix}:{local}" if prefix else local
                cuts.append(_attribute_value_span(xml, here, raw.encode()))
        uri, local, _ = _split_name(name)
        label = part.elements.get((uri, local))
        if label is not None:
            open_elements.append((label, _tag_end(xml, here), []))

    def end(name: str) -> None:
        uri, local, _ = _split_name(name)
        if (uri, local) in part.elements and open_elements:
            label, content_start, pieces = open_elements.pop()
            content_end = parser.CurrentByteIndex
            if content_end > content_start:  # else an empty element, <dc:creator/>
                add_field(found, label, "".join(pieces))
                cuts.append((content_start, content_end))

    def text(data: str) -> None:
        if open_elements:
            open_elements[-1][2].append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.Parse(xml, True)
    if not cuts:
        return xml, found
    pieces, position = [], 0
    for cut_start, cut_end in sorted(cuts):
        if cut_start < position:
            raise CannotRewrite("overlapping edits")
        pieces += [xml[position:cut_start]]
        position = cut_end
    return b"".join([*pieces, xml[position:]]), found


def _split_name(name: str) -> tuple[str, str, str]:
    """(namespace, local name, prefix) from expat's "uri local prefix"."""
    parts = name.split(" ")
    if len(parts) == 1:
        return "", name, ""
    return parts[0], parts[1], parts[2] if len(parts) > 2 else ""


def _tag_end(xml: bytes, start: int) -> int:
    """Index just past the '>' closing the tag at `start`, honouring quoted values."""
    quote = 0
    for index in range(start + 1, len(xml)):
        byte = xml[index]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in (0x22, 0x27):
            quote = byte
        elif byte == 0x3E:
            return index + 1
    raise CannotRewrite("unterminated tag")


def _attribute_value_span(xml: bytes, start: int, name: bytes) -> tuple[int, int]:
    end = _tag_end(xml, start)
    pattern = re.compile(rb"\s" + re.escape(name) + rb"\s*=\s*(\"[^\"]*\"|'[^']*')")
    match = pattern.search(xml, start, end)
    if match is None:
        raise CannotRewrite("attribute not found")
    return match.start(1) + 1, match.end(1) - 1


def _write_zip(path: Path, out: Path, replaced: dict[str, bytes]) -> None:
    """Member by member, in the same order and compression (an ODT's mimetype stays first
    and stored); the archive and member comments are not carried over."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = info.compress_type
            copy.external_attr = info.external_attr
            if info.filename in replaced:
                target.writestr(copy, replaced[info.filename])
                continue
            large = info.file_size > 0x7FFF0000
            with source.open(info) as src, target.open(copy, "w", force_zip64=large) as dst:
                shutil.copyfileobj(src, dst, CHUNK)


# --- PDF -------------------------------------------------------------------------------------

_PDF_INFO = {"/Author": "PDF Author", "/Company": "PDF Company"}


def scrub_pdf(path: Path, out: Path) -> Scrubbed:
    found: dict[str, str] = {}
    with path.open("rb") as file:
        try:
            reader = PdfReader(file)
            if reader.is_encrypted and not reader.decrypt(""):
                return Scrubbed({}, None, ())  # probe refuses these
            metadata: Any = reader.metadata or {}
            info: dict[str, Any] = {key: metadata[key] for key in metadata}  # resolved
            for key, label in _PDF_INFO.items():
                if key in info:
                    add_field(found, label, info[key])
            root: Any = reader.trailer["/Root"].get_object()
            xmp = root["/Metadata"].get_object().get_data() if "/Metadata" in root else None
            if xmp:
                found.update(xmp_fields(xmp, "PDF XMP"))
            if reader.is_encrypted:
                return Scrubbed(found, None, tuple(found))  # re-encrypting is not our call
        except Exception:  # pypdf raises many kinds on hostile input
            return Scrubbed(found, None, tuple(found))

        def write() -> None:
            try:
                writer = PdfWriter(clone_from=reader)
                writer.metadata = {k: v for k, v in info.items() if k not in _PDF_INFO}
                writer.root_object.pop("/Metadata", None)  # XMP repeats the author: drop it
                with out.open("wb") as target:
                    writer.write(target)
            except Exception as error:  # as above; the fields are then reported as remaining
                raise CannotRewrite("pypdf could not rewrite") from error

        return rewrite(found, out, write)
