"""Container headers read by hand before FFmpeg opens the file: the sizes MP4/MOV boxes,
RIFF (WAV, AVI) and Matroska/WebM declare against the file's real size, which catches cut
uploads cheaply, and whether a duration is written in the header rather than estimated."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO


def sizes_fit(path: Path, demuxer: str | None) -> bool:
    """The container's own size fields against the file's size: catches cut uploads cheaply."""
    size = path.stat().st_size
    with path.open("rb") as file:
        if demuxer == "mov":
            return _boxes_fit(file, size)
        if demuxer in ("wav", "avi"):
            head = file.read(12)
            if len(head) < 12 or head[:4] != b"RIFF":
                return False
            declared = struct.unpack("<I", head[4:8])[0]
            # 0 and ~0 are written by recorders that never went back to fix the header.
            return declared in (0, 0xFFFFFFFF) or 8 + declared <= size
        if demuxer == "matroska":
            return _ebml_fits(file, size)
    return True


def length_is_declared(path: Path, demuxer: str | None) -> bool:
    """Whether FFmpeg's duration comes from the header rather than a bitrate estimate."""
    if demuxer in ("mov", "avi", "flac"):
        return True
    if demuxer == "mp3":
        with path.open("rb") as file:
            head = file.read(10)
            start = 0
            if head[:3] == b"ID3" and len(head) == 10:
                size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
                start = 10 + size + (10 if head[5] & 0x10 else 0)
            file.seek(start)
            frame = file.read(200)
        return any(tag in frame for tag in (b"Xing", b"Info", b"VBRI"))
    return False


def _boxes_fit(file: BinaryIO, size: int) -> bool:
    position = 0
    while position < size:
        file.seek(position)
        header = file.read(16)
        if len(header) < 8:
            return False
        length = struct.unpack(">I", header[:4])[0]
        if length == 1:
            if len(header) < 16:
                return False
            length = struct.unpack(">Q", header[8:16])[0]
        elif length == 0:
            return True  # "to the end of the file"
        if length < 8 or position + length > size:
            return False
        position += length
    return True


def _read_vint(file: BinaryIO) -> tuple[int, bool] | None:
    """An EBML variable-size integer: (value, all-ones i.e. "unknown size")."""
    first = file.read(1)
    if not first:
        return None
    byte = first[0]
    width = 1
    while width <= 8 and not byte & (0x80 >> (width - 1)):
        width += 1
    if width > 8:
        return None
    rest = file.read(width - 1)
    if len(rest) != width - 1:
        return None
    value = byte & (0xFF >> width)
    for extra in rest:
        value = (value << 8) | extra
    return value, value == (1 << (7 * width)) - 1


def _ebml_fits(file: BinaryIO, size: int) -> bool:
    if file.read(4) != b"\x1a\x45\xdf\xa3":
        return False
    header = _read_vint(file)
    if header is None:
        return False
    file.seek(header[0], 1)
    if file.read(4) != b"\x18\x53\x80\x67":  # Segment
        return False
    segment = _read_vint(file)
    if segment is None:
        return False
    length, unknown = segment
    return unknown or file.tell() + length <= size
