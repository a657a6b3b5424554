"""Finding, and where the format allows stripping, what would name a work's author in blind
judging: EXIF/XMP/IPTC in photos, document properties and reviewers in Word files, the PDF
author, artist and location tags in audio and video.

Rewrites are lossless: JPEG segments, PNG chunks and zip members are copied byte for byte
except the identifying ones; audio and video are remuxed without re-encoding.
"""

from __future__ import annotations

import contextlib
import mmap
import re
import shutil
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from xml.parsers import expat

import av
import av.error
from PIL import Image, ImageFile, IptcImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from shared.contracts.submissions import MediaKind

from ..domain.media import DOCX, ODT
from .probe import (
    AV_OPTIONS,
    CHUNK,
    UnreadableMedia,
    demuxer_for,
    is_attached_picture,
    member_chunks,
    open_document_zip,
    xml_parser,
)


@dataclass(frozen=True)
class Scrubbed:
    # Identifying fields found, e.g. {"EXIF Artist": "Nguyễn Văn A"}. Audio/video titles are
    # listed too, for the secretariat to read, but a title alone is no reason to rewrite.
    found: dict[str, str]
    cleaned: Path | None  # the cleaned copy (`out`), or None: nothing to strip, or cannot
    remaining: tuple[str, ...]  # keys of `found` still in the file the jurors will get


class _CannotRewrite(Exception):
    """The structure is not what the rewriter needs; report instead of guessing."""


_REWRITE_ERRORS = (
    _CannotRewrite,
    UnreadableMedia,
    av.error.FFmpegError,
    zipfile.BadZipFile,
    zlib.error,
    expat.ExpatError,
    PyPdfError,
    EOFError,
    KeyError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


def scrub(path: Path, kind: MediaKind, media_type: str, out: Path) -> Scrubbed:
    """Report identifying metadata of `path`; write a cleaned copy to `out` when needed."""
    if kind is MediaKind.IMAGE:
        if media_type == "image/jpeg":
            return _rewrite(_pillow_fields(path), out, lambda: _rewrite_jpeg(path, out))
        if media_type == "image/png":
            return _rewrite(_png_fields(path), out, lambda: _rewrite_png(path, out))
        found = _pillow_fields(path)  # WebP, TIFF, HEIC: reported, left as they are
        return Scrubbed(found, None, tuple(found))
    if kind in (MediaKind.AUDIO, MediaKind.VIDEO):
        return _scrub_av(path, kind, media_type, out)
    if media_type in (DOCX, ODT):
        return _scrub_zip(path, out, _DOCX_PARTS if media_type == DOCX else _ODT_PARTS)
    if media_type == "application/pdf":
        return _scrub_pdf(path, out)
    return Scrubbed({}, None, ())  # plain text has no metadata; .doc/.rtf are not rewritten


def _rewrite(
    found: dict[str, str],
    out: Path,
    write: Callable[[], None],
    needed: bool | None = None,
) -> Scrubbed:
    if not (found if needed is None else needed):
        return Scrubbed(found, None, ())
    try:
        write()
    except _REWRITE_ERRORS:
        out.unlink(missing_ok=True)
        return Scrubbed(found, None, tuple(found))
    return Scrubbed(found, out, ())


def _text(value: object, limit: int = 300) -> str:
    """A readable string from a metadata value, repairing UTF-8 read as Latin-1."""
    if isinstance(value, bytes):
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            text = value.decode("latin-1")
    else:
        text = str(value)
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("latin-1").decode("utf-8")
    return text.replace("\x00", "").strip()[:limit]


def _add(found: dict[str, str], key: str, value: object) -> None:
    text = _text(value)
    if text:
        found[key] = f"{found[key]}, {text}" if key in found and text not in found[key] else text


# --- images: what they carry -----------------------------------------------------------------

_EXIF_MAIN = {0x013B: "Artist", 0x8298: "Copyright", 0x010E: "ImageDescription"}
_EXIF_XP = {0x9C9D: "XPAuthor", 0x9C9C: "XPComment"}  # UTF-16LE, written by Windows
_EXIF_SUB = {0xA430: "CameraOwnerName", 0xA431: "BodySerialNumber", 0xA435: "LensSerialNumber"}
_IPTC = {80: "By-line", 85: "By-line Title", 110: "Credit", 116: "Copyright", 122: "Writer"}
_XMP_NAMES = frozenset(
    {
        "creator",
        "rights",
        "Artist",
        "Author",
        "Copyright",
        "Credit",
        "AuthorsPosition",
        "CaptionWriter",
        "OwnerName",
        "CameraOwnerName",
        "SerialNumber",
        "BodySerialNumber",
        "artist",  # xmpDM:artist, in video editors' packets
        "GPSLatitude",
        "GPSLongitude",
    }
)


def exif_fields(exif: Image.Exif) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        for tag, name in _EXIF_MAIN.items():
            _add(found, f"EXIF {name}", exif.get(tag, ""))
        for tag, name in _EXIF_XP.items():
            value = exif.get(tag, b"")
            raw = bytes(value) if isinstance(value, (bytes, tuple)) else b""
            _add(found, f"EXIF {name}", raw.decode("utf-16-le", "replace"))
        sub = exif.get_ifd(0x8769)
        for tag, name in _EXIF_SUB.items():
            _add(found, f"EXIF {name}", sub.get(tag, ""))
        gps = exif.get_ifd(0x8825)
    except (KeyError, ValueError, TypeError, struct.error, SyntaxError):
        return found
    if gps:
        found["EXIF GPS"] = _gps_text(gps)
    return found


def _gps_text(gps: dict[int, Any]) -> str:
    try:
        parts = []
        for ref, value in ((1, 2), (3, 4)):
            degrees, minutes, seconds = (float(x) for x in gps[value])
            sign = -1 if str(gps.get(ref, "")).upper() in ("S", "W") else 1
            parts.append(f"{sign * (degrees + minutes / 60 + seconds / 3600):.6f}")
        return ", ".join(parts)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return "có / present"


def xmp_fields(packet: bytes, prefix: str = "XMP") -> dict[str, str]:
    """Creator, rights, serial numbers and GPS from an XMP packet (elements or attributes)."""
    found: dict[str, str] = {}
    if not packet.strip():
        return found
    open_fields: list[tuple[str, list[str]]] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        for key, value in attributes.items():
            local = key.split(" ")[1] if " " in key else key
            if local in _XMP_NAMES:
                _add(found, f"{prefix} {local}", value)
        local = name.split(" ")[1] if " " in name else name
        if local in _XMP_NAMES:
            open_fields.append((local, []))

    def end(name: str) -> None:
        local = name.split(" ")[1] if " " in name else name
        if open_fields and open_fields[-1][0] == local:
            field, pieces = open_fields.pop()
            _add(found, f"{prefix} {field}", " ".join(p.strip() for p in pieces if p.strip()))

    def text(data: str) -> None:
        if open_fields:
            open_fields[-1][1].append(data)

    # A broken packet: keep what was read; the rewrite drops it anyway.
    with contextlib.suppress(expat.ExpatError, UnreadableMedia):
        xml_parser(start, end, text).Parse(packet, True)
    return found


def _iptc_fields(image: ImageFile.ImageFile) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        info = IptcImagePlugin.getiptcinfo(image) or {}
    except (SyntaxError, ValueError, struct.error, IndexError):
        return found
    for (record, dataset), value in info.items():
        if record == 2 and dataset in _IPTC:
            for item in value if isinstance(value, list) else [value]:
                _add(found, f"IPTC {_IPTC[dataset]}", item)
    return found


def _pillow_fields(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        with Image.open(path) as image:
            found.update(exif_fields(image.getexif()))
            xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
            if isinstance(xmp, str):
                xmp = xmp.encode()
            if isinstance(xmp, bytes):
                found.update(xmp_fields(xmp))
            found.update(_iptc_fields(image))
            comment = image.info.get("comment")
            if comment:
                _add(found, "JPEG comment", comment)
    except (OSError, SyntaxError, ValueError, struct.error, Image.DecompressionBombError):
        pass  # no reader for it here (HEIC): nothing can be reported
    return found


# --- JPEG: segment surgery -------------------------------------------------------------------

_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_APP0, _APP2, _APP14 = 0xE0, 0xE2, 0xEE


def _keep_segment(marker: int, payload_head: bytes) -> bool:
    # EXIF is dropped whole (camera, owner, serial, GPS, thumbnail); only the orientation is
    # written back. Kept: JFIF, the colour profile and Adobe's colour transform flag.
    if 0xE0 <= marker <= 0xEF:
        return marker in (_APP0, _APP14) or (
            marker == _APP2 and payload_head.startswith(b"ICC_PROFILE\x00")
        )
    return marker != 0xFE  # COM


def _orientation_segment(orientation: int) -> bytes:
    tiff = (
        b"MM\x00\x2a"
        + struct.pack(">IH", 8, 1)
        + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)
    )
    payload = b"Exif\x00\x00" + tiff + b"\x00\x00\x00\x00"
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def _copy(dst: BinaryIO, data: mmap.mmap, start: int, end: int) -> None:
    for offset in range(start, end, CHUNK):
        dst.write(data[offset : min(end, offset + CHUNK)])


def _scan_end(data: mmap.mmap, position: int) -> int:
    """Where the entropy-coded data after SOS ends: the first marker that is not a restart."""
    while True:
        found = data.find(b"\xff", position)
        if found < 0 or found + 1 >= len(data):
            raise _CannotRewrite("no end of scan")
        following = data[found + 1]
        if following == 0 or 0xD0 <= following <= 0xD7:
            position = found + 2
        elif following == 0xFF:
            position = found + 1  # fill byte before a marker
        else:
            return found


def _rewrite_jpeg(path: Path, out: Path) -> None:
    try:
        with Image.open(path, formats=["JPEG"]) as image:
            orientation = image.getexif().get(0x0112, 1)
    except (OSError, SyntaxError, ValueError, struct.error) as error:
        raise _CannotRewrite("unreadable EXIF") from error
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data[:2] != b"\xff\xd8":
            raise _CannotRewrite("no SOI")
        with out.open("wb") as dst:
            dst.write(b"\xff\xd8")
            pending_orientation = orientation in range(2, 9)
            position = 2
            while True:
                if position >= len(data) or data[position] != 0xFF:
                    raise _CannotRewrite("marker expected")
                while position < len(data) and data[position] == 0xFF:
                    position += 1
                if position >= len(data):
                    raise _CannotRewrite("truncated")
                marker = data[position]
                position += 1
                if marker == _EOI:
                    # Anything after EOI (phone trailers, MPF preview images with their own
                    # EXIF) is dropped with it.
                    dst.write(b"\xff\xd9")
                    return
                if marker == 0x01 or 0xD0 <= marker <= 0xD7:
                    dst.write(bytes((0xFF, marker)))
                    continue
                (length,) = struct.unpack(">H", data[position : position + 2])
                end = position + length
                if length < 2 or end > len(data):
                    raise _CannotRewrite("bad segment length")
                if pending_orientation and marker != _APP0:
                    dst.write(_orientation_segment(int(orientation)))
                    pending_orientation = False
                if _keep_segment(marker, data[position + 2 : position + 16]):
                    _copy(dst, data, position - 2, end)
                position = end
                if marker == _SOS:
                    scan_end = _scan_end(data, position)
                    _copy(dst, data, position, scan_end)
                    position = scan_end


# --- PNG: chunk surgery ----------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_TEXT = (b"tEXt", b"zTXt", b"iTXt")
_PNG_DROPPED = (*_PNG_TEXT, b"eXIf")
_NOT_IDENTIFYING = frozenset({"Software", "Creation Time", "date:create", "date:modify"})


def _png_chunks(data: mmap.mmap) -> list[tuple[bytes, int, int]]:
    """(type, start, end) of each chunk up to IEND, lengths and CRCs included."""
    if data[:8] != _PNG_SIGNATURE:
        raise _CannotRewrite("no PNG signature")
    chunks = []
    position = 8
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = bytes(data[position + 4 : position + 8])
        end = position + 12 + length
        if end > len(data):
            raise _CannotRewrite("truncated chunk")
        chunks.append((kind, position, end))
        position = end
        if kind == b"IEND":
            return chunks
    raise _CannotRewrite("no IEND")


def _inflate(data: bytes) -> bytes:
    return zlib.decompressobj().decompress(data, 64 * 1024)  # reporting needs no more


def _png_text(kind: bytes, body: bytes) -> tuple[str, bytes]:
    keyword, _, rest = body.partition(b"\x00")
    if kind == b"zTXt":
        return keyword.decode("latin-1"), _inflate(rest[1:])
    if kind == b"iTXt":
        compressed = rest[:1] == b"\x01"
        _language, _, rest = rest[2:].partition(b"\x00")
        _translated, _, text = rest.partition(b"\x00")
        return keyword.decode("latin-1"), _inflate(text) if compressed else text
    return keyword.decode("latin-1"), rest


def _png_fields(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            for kind, start, end in _png_chunks(data):
                body = data[start + 8 : end - 4]
                if kind in _PNG_TEXT:
                    keyword, text = _png_text(kind, body)
                    if keyword == "XML:com.adobe.xmp":
                        found.update(xmp_fields(text))
                    elif keyword not in _NOT_IDENTIFYING:
                        _add(found, f"PNG text {keyword}", text)
                elif kind == b"eXIf":
                    exif = Image.Exif()
                    exif.load(body)
                    found.update(exif_fields(exif))
    except (_CannotRewrite, ValueError, zlib.error, struct.error, SyntaxError):
        pass  # probe refused broken files already; report what was read
    return found


def _rewrite_png(path: Path, out: Path) -> None:
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        chunks = _png_chunks(data)
        with out.open("wb") as dst:
            dst.write(_PNG_SIGNATURE)
            for kind, start, end in chunks:
                if kind not in _PNG_DROPPED:
                    _copy(dst, data, start, end)


# --- Word and OpenDocument: properties and reviewers -----------------------------------------

_DC = "http://purl.org/dc/elements/1.1/"
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
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
        {(_W, "author"): "docx comment author", (_W, "initials"): "docx comment initials"},
    ),
    _Part(
        re.compile(r"word/people\.xml"),
        {},
        {(_W15, "author"): "docx people author", (_W15, "userId"): "docx people userId"},
    ),
    # Tracked changes in the body, headers, footers, notes: w:ins, w:del, w:rPrChange...
    _Part(re.compile(r"word/[^/]+\.xml"), {}, {(_W, "author"): "docx revision author"}),
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
    raise _CannotRewrite("unterminated tag")


def _attribute_value_span(xml: bytes, start: int, name: bytes) -> tuple[int, int]:
    end = _tag_end(xml, start)
    pattern = re.compile(rb"\s" + re.escape(name) + rb"\s*=\s*(\"[^\"]*\"|'[^']*')")
    match = pattern.search(xml, start, end)
    if match is None:
        raise _CannotRewrite("attribute not found")
    return match.start(1) + 1, match.end(1) - 1


def _split_name(name: str) -> tuple[str, str, str]:
    """(namespace, local name, prefix) from expat's "uri local prefix"."""
    parts = name.split(" ")
    if len(parts) == 1:
        return "", name, ""
    return parts[0], parts[1], parts[2] if len(parts) > 2 else ""


def _blank_xml(xml: bytes, part: _Part) -> tuple[bytes, dict[str, str]]:
    """The part with the targeted texts and attribute values emptied, and what they held."""
    if not (xml.startswith(b"<") or xml.startswith(b"\xef\xbb\xbf<")):
        raise _CannotRewrite("not UTF-8 XML")  # byte positions below assume UTF-8
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
                _add(found, label, value)
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
                _add(found, label, "".join(pieces))
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
            raise _CannotRewrite("overlapping edits")
        pieces += [xml[position:cut_start]]
        position = cut_end
    return b"".join([*pieces, xml[position:]]), found


def _part_for(name: str, parts: tuple[_Part, ...]) -> _Part | None:
    return next((p for p in parts if p.names.fullmatch(name)), None)


def _scrub_zip(path: Path, out: Path, parts: tuple[_Part, ...]) -> Scrubbed:
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
                    _add(found, label, value)
                if cleaned != xml:
                    replaced[info.filename] = cleaned
    except _REWRITE_ERRORS:
        return Scrubbed(found, None, tuple(found))
    return _rewrite(found, out, lambda: _write_zip(path, out, replaced), bool(replaced))


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


def _scrub_pdf(path: Path, out: Path) -> Scrubbed:
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
                    _add(found, label, info[key])
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
                raise _CannotRewrite("pypdf could not rewrite") from error

        return _rewrite(found, out, write)


# --- audio and video: tags -------------------------------------------------------------------

_IDENTIFYING_TAGS = frozenset(
    {
        "artist",
        "author",
        "composer",
        "album_artist",
        "performer",
        "lyricist",
        "comment",
        "description",
        "copyright",
        "encoded_by",
        "publisher",
        "com.apple.quicktime.author",
        "com.apple.quicktime.artist",
        "com.apple.quicktime.comment",
        "com.apple.quicktime.copyright",
        "com.apple.quicktime.description",
    }
)
_MUXERS = {
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "audio/mp4": "ipod",
    "video/webm": "webm",
    "video/x-matroska": "matroska",
    "video/x-msvideo": "avi",
    "video/ogg": "ogg",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/flac": "flac",
}


def _tag_kind(key: str) -> str | None:
    """'identifying', 'title' or None for a container or stream tag."""
    lowered = key.lower()
    if lowered in _IDENTIFYING_TAGS or "location" in lowered or "gps" in lowered:
        return "identifying"
    return "title" if lowered == "title" else None


def _scrub_av(path: Path, kind: MediaKind, media_type: str, out: Path) -> Scrubbed:
    found: dict[str, str] = {}
    demuxer = demuxer_for(media_type)
    # Editors (Premiere, Final Cut) leave an XMP packet in MP4/MOV files, naming the creator.
    options = {**AV_OPTIONS, "export_xmp": "1"} if demuxer == "mov" else AV_OPTIONS
    try:
        with av.open(
            str(path), format=demuxer, options=options, metadata_errors="replace"
        ) as container:
            xmp = xmp_fields(container.metadata.get("xmp", "").encode(), f"{kind} XMP")
            identifying = bool(xmp)
            found.update(xmp)
            sources: list[tuple[str, dict[str, str]]] = [(f"{kind} tag", container.metadata)]
            for stream in container.streams:
                if is_attached_picture(stream):
                    # Cover art, often the newsroom's logo or a portrait; its own tags only
                    # describe the picture ("Cover (front)") and go with it.
                    identifying = True
                    found[f"{kind} cover picture"] = stream.codec_context.codec.canonical_name
                else:
                    sources.append((f"{kind} stream {stream.index} tag", stream.metadata))
            for prefix, tags in sources:
                for key, value in tags.items():
                    tag_kind = _tag_kind(key)
                    if tag_kind is not None and value.strip():
                        identifying = identifying or tag_kind == "identifying"
                        _add(found, f"{prefix} {key.lower()}", value)
    except av.error.FFmpegError:
        return Scrubbed({}, None, ())  # probe refuses unreadable files
    muxer = _MUXERS.get(media_type)
    if muxer is None and identifying:
        return Scrubbed(found, None, tuple(found))
    result = _rewrite(found, out, lambda: _remux(path, media_type, out, muxer or ""), identifying)
    if result.cleaned is None and identifying:
        return Scrubbed(found, None, tuple(k for k in found if not k.endswith(" title")))
    return result


def _remux(path: Path, media_type: str, out: Path, muxer: str) -> None:
    """Copy the audio and video packets into a fresh container with no tags (no re-encoding).
    Cover pictures and data streams (GPS telemetry of action cameras) are left out."""
    with (
        av.open(
            str(path), format=demuxer_for(media_type), options=AV_OPTIONS, metadata_errors="replace"
        ) as source,
        av.open(str(out), "w", format=muxer) as target,
    ):
        copies: dict[int, Any] = {}
        for stream in source.streams:
            if stream.type in ("audio", "video", "subtitle") and not is_attached_picture(stream):
                copies[stream.index] = target.add_stream_from_template(stream)
                language = stream.metadata.get("language")
                if language:
                    copies[stream.index].metadata["language"] = language
        if not copies:
            raise _CannotRewrite("no stream to copy")
        inputs = [s for s in source.streams if s.index in copies]
        for packet in source.demux(inputs):
            if packet.dts is None:
                continue  # the flush packet at the end of each stream
            packet.stream = copies[packet.stream.index]
            target.mux(packet)
