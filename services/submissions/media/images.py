"""Photos: measuring them (pixel size, read through to the end, decompression bombs refused)
and stripping what names the photographer. JPEG segments and PNG chunks are copied byte for
byte except the identifying ones; WebP, TIFF and HEIC are reported and left as they are."""

from __future__ import annotations

import mmap
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

from PIL import Image

from .facts import CHUNK, MediaFacts, UnreadableMedia, damaged
from .findings import CannotRewrite, Scrubbed, add_field, rewrite, xmp_fields
from .image_tags import exif_fields, pillow_fields

# A 100 MP medium-format camera makes ~102 MP; beyond this it is a bomb or needs a human.
MAX_IMAGE_PIXELS = 150_000_000

_PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/tiff": "TIFF",
}


def probe_image(path: Path, media_type: str) -> MediaFacts:
    pillow_format = _PILLOW_FORMATS.get(media_type)
    try:
        with Image.open(path, formats=[pillow_format] if pillow_format else None) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _too_large_image(width, height)
            if pillow_format == "PNG":
                image.verify()  # every chunk's CRC up to IEND, without inflating the pixels
            else:
                if pillow_format == "JPEG":  # decode at 1/8 scale: still reads every byte
                    image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                image.load()
    except Image.DecompressionBombError as error:
        raise _too_large_image() from error
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error) as error:
        if media_type == "image/heic" and pillow_format is None:
            return MediaFacts()  # no HEIF decoder here: the secretariat checks these by eye
        raise damaged("ảnh", "image") from error
    return MediaFacts(width=width, height=height)


def _too_large_image(width: int | None = None, height: int | None = None) -> UnreadableMedia:
    size = f"{width}×{height} điểm ảnh; " if width and height else ""
    size_en = f"{width}×{height} pixels; " if width and height else ""
    limit = MAX_IMAGE_PIXELS // 1_000_000
    return UnreadableMedia(
        f"Ảnh quá lớn ({size}tối đa {limit} triệu điểm ảnh). "
        f"/ The image is too large ({size_en}at most {limit} million pixels)."
    )


def scrub_image(path: Path, media_type: str, out: Path) -> Scrubbed:
    if media_type == "image/jpeg":
        return rewrite(pillow_fields(path), out, lambda: _rewrite_jpeg(path, out))
    if media_type == "image/png":
        return rewrite(_png_fields(path), out, lambda: _rewrite_png(path, out))
    found = pillow_fields(path)  # WebP, TIFF, HEIC: reported, left as they are
    return Scrubbed(found, None, tuple(found))


def _copy(dst: BinaryIO, data: mmap.mmap, start: int, end: int) -> None:
    for offset in range(start, end, CHUNK):
        dst.write(data[offset : min(end, offset + CHUNK)])


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


def _scan_end(data: mmap.mmap, position: int) -> int:
    """Where the entropy-coded data after SOS ends: the first marker that is not a restart."""
    while True:
        found = data.find(b"\xff", position)
        if found < 0 or found + 1 >= len(data):
            raise CannotRewrite("no end of scan")
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
        raise CannotRewrite("unreadable EXIF") from error
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data[:2] != b"\xff\xd8":
            raise CannotRewrite("no SOI")
        with out.open("wb") as dst:
            dst.write(b"\xff\xd8")
            pending_orientation = orientation in range(2, 9)
            position = 2
            while True:
                if position >= len(data) or data[position] != 0xFF:
                    raise CannotRewrite("marker expected")
                while position < len(data) and data[position] == 0xFF:
                    position += 1
                if position >= len(data):
                    raise CannotRewrite("truncated")
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
                    raise CannotRewrite("bad segment length")
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
        raise CannotRewrite("no PNG signature")
    chunks = []
    position = 8
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = bytes(data[position + 4 : position + 8])
        end = position + 12 + length
        if end > len(data):
            raise CannotRewrite("truncated chunk")
        chunks.append((kind, position, end))
        position = end
        if kind == b"IEND":
            return chunks
    raise CannotRewrite("no IEND")


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
                        add_field(found, f"PNG text {keyword}", text)
                elif kind == b"eXIf":
                    exif = Image.Exif()
                    exif.load(body)
                    found.update(exif_fields(exif))
    except (CannotRewrite, ValueError, zlib.error, struct.error, SyntaxError):
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
