"""Small but real files of the kinds contestants upload."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def pdf_file(objects: list[bytes], root: int, info: int | None = None) -> bytes:
    """Numbered objects written out as a PDF, with its cross-reference table and trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    info_ref = b" /Info %d 0 R" % info if info is not None else b""
    out += b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        info_ref,
        xref,
    )
    return bytes(out)


def pdf(text: str = "Nguoi tot viec tot") -> bytes:
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_file(objects, root=1)


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xcc\x22\x22" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def wav(seconds: float = 0.5, rate: int = 8000) -> bytes:
    frames = b"\x00\x00" * int(seconds * rate)
    header = b"RIFF" + struct.pack("<I", 36 + len(frames)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    return header + fmt + b"data" + struct.pack("<I", len(frames)) + frames


def windows_executable() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def html_page() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def pad_mp4(path: Path, total_bytes: int) -> Path:
    """Grow an MP4 to ``total_bytes`` with a trailing 'free' box, which players skip: a small
    real video that still needs several upload parts."""
    missing = total_bytes - path.stat().st_size
    if missing < 16:
        return path
    with path.open("ab") as handle:
        handle.write(struct.pack(">I", missing) + b"free")
        remaining = missing - 8
        block = b"\0" * (1 << 20)
        while remaining > 0:
            handle.write(block[: min(remaining, len(block))])
            remaining -= len(block)
    return path


def text_article(words: int) -> bytes:
    """A plain-text article of exactly ``words`` Vietnamese words."""
    sentence = [
        "Người",
        "tốt",
        "việc",
        "tốt",
        "ở",
        "Lạng",
        "Sơn",
        "lan",
        "toả",
        "khắp",
        "bản",
        "làng",
    ]
    chosen = [sentence[i % len(sentence)] for i in range(words)]
    return (" ".join(chosen) + "\n").encode()
