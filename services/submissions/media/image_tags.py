"""What names the photographer in a photo, read through Pillow: EXIF (artist, owner, serial
numbers, GPS), IPTC bylines, XMP and JPEG comments."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from PIL import Image, ImageFile, IptcImagePlugin

from .findings import add_field, xmp_fields

_EXIF_MAIN = {0x013B: "Artist", 0x8298: "Copyright", 0x010E: "ImageDescription"}
_EXIF_XP = {0x9C9D: "XPAuthor", 0x9C9C: "XPComment"}  # UTF-16LE, written by Windows
_EXIF_SUB = {0xA430: "CameraOwnerName", 0xA431: "BodySerialNumber", 0xA435: "LensSerialNumber"}
_IPTC = {80: "By-line", 85: "By-line Title", 110: "Credit", 116: "Copyright", 122: "Writer"}


def pillow_fields(path: Path) -> dict[str, str]:
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
                add_field(found, "JPEG comment", comment)
    except (OSError, SyntaxError, ValueError, struct.error, Image.DecompressionBombError):
        pass  # no reader for it here (HEIC): nothing can be reported
    return found


def exif_fields(exif: Image.Exif) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        for tag, name in _EXIF_MAIN.items():
            add_field(found, f"EXIF {name}", exif.get(tag, ""))
        for tag, name in _EXIF_XP.items():
            value = exif.get(tag, b"")
            raw = bytes(value) if isinstance(value, (bytes, tuple)) else b""
            add_field(found, f"EXIF {name}", raw.decode("utf-16-le", "replace"))
        sub = exif.get_ifd(0x8769)
        for tag, name in _EXIF_SUB.items():
            add_field(found, f"EXIF {name}", sub.get(tag, ""))
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


def _iptc_fields(image: ImageFile.ImageFile) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        info = IptcImagePlugin.getiptcinfo(image) or {}
    except (SyntaxError, ValueError, struct.error, IndexError):
        return found
    for (record, dataset), value in info.items():
        if record == 2 and dataset in _IPTC:
            for item in value if isinstance(value, list) else [value]:
                add_field(found, f"IPTC {_IPTC[dataset]}", item)
    return found
