"""What a scrubber reports (Scrubbed), how every family records a field it found, and the
rewrite-or-report step they share; also XMP, which photos, PDFs and videos all carry."""

from __future__ import annotations

import contextlib
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

import av.error
from pypdf.errors import PyPdfError

from .facts import UnreadableMedia
from .xmlsafe import xml_parser


@dataclass(frozen=True)
class Scrubbed:
    # Identifying fields found, e.g. {"EXIF Artist": "Nguyễn Văn A"}. Audio/video titles are
    # listed too, for the secretariat to read, but a title alone is no reason to rewrite.
    found: dict[str, str]
    cleaned: Path | None  # the cleaned copy (`out`), or None: nothing to strip, or cannot
    remaining: tuple[str, ...]  # keys of `found` still in the file the jurors will get


class CannotRewrite(Exception):
    """The structure is not what the rewriter needs; report instead of guessing."""


REWRITE_ERRORS = (
    CannotRewrite,
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


def rewrite(
    found: dict[str, str],
    out: Path,
    write: Callable[[], None],
    needed: bool | None = None,
) -> Scrubbed:
    """Write the cleaned copy when needed (by default: when something was found); a failed
    write leaves no file and reports every field as remaining."""
    if not (found if needed is None else needed):
        return Scrubbed(found, None, ())
    try:
        write()
    except REWRITE_ERRORS:
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


def add_field(found: dict[str, str], key: str, value: object) -> None:
    """Record a non-empty value under `key`, joining distinct values of the same key."""
    text = _text(value)
    if text:
        found[key] = f"{found[key]}, {text}" if key in found and text not in found[key] else text


# --- XMP -------------------------------------------------------------------------------------

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
                add_field(found, f"{prefix} {local}", value)
        local = name.split(" ")[1] if " " in name else name
        if local in _XMP_NAMES:
            open_fields.append((local, []))

    def end(name: str) -> None:
        local = name.split(" ")[1] if " " in name else name
        if open_fields and open_fields[-1][0] == local:
            field, pieces = open_fields.pop()
            add_field(found, f"{prefix} {field}", " ".join(p.strip() for p in pieces if p.strip()))

    def text(data: str) -> None:
        if open_fields:
            open_fields[-1][1].append(data)

    # A broken packet: keep what was read; the rewrite drops it anyway.
    with contextlib.suppress(expat.ExpatError, UnreadableMedia):
        xml_parser(start, end, text).Parse(packet, True)
    return found
