"""What an uploaded file really is, from its first bytes — never from its name or the
Content-Type the browser claimed."""

from __future__ import annotations

from dataclasses import dataclass

import puremagic

from shared.contracts.submissions import MediaKind

HEAD_BYTES = 64 * 1024

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"

# Extension proposed by the signature → (kind, canonical media type). Anything else is refused.
_BY_EXTENSION: dict[str, tuple[MediaKind, str]] = {
    ".pdf": (MediaKind.TEXT, "application/pdf"),
    ".doc": (MediaKind.TEXT, "application/msword"),
    ".rtf": (MediaKind.TEXT, "application/rtf"),
    ".mp3": (MediaKind.AUDIO, "audio/mpeg"),
    ".mpga": (MediaKind.AUDIO, "audio/mpeg"),
    ".wav": (MediaKind.AUDIO, "audio/wav"),
    ".m4a": (MediaKind.AUDIO, "audio/mp4"),
    ".f4a": (MediaKind.AUDIO, "audio/mp4"),
    ".flac": (MediaKind.AUDIO, "audio/flac"),
    ".mp4": (MediaKind.VIDEO, "video/mp4"),
    ".mov": (MediaKind.VIDEO, "video/quicktime"),
    ".webm": (MediaKind.VIDEO, "video/webm"),
    ".mkv": (MediaKind.VIDEO, "video/x-matroska"),
    ".avi": (MediaKind.VIDEO, "video/x-msvideo"),
    ".jpg": (MediaKind.IMAGE, "image/jpeg"),
    ".jpeg": (MediaKind.IMAGE, "image/jpeg"),
    ".jfif": (MediaKind.IMAGE, "image/jpeg"),
    ".jpe": (MediaKind.IMAGE, "image/jpeg"),
    ".png": (MediaKind.IMAGE, "image/png"),
    ".webp": (MediaKind.IMAGE, "image/webp"),
    ".tif": (MediaKind.IMAGE, "image/tiff"),
    ".tiff": (MediaKind.IMAGE, "image/tiff"),
    ".heic": (MediaKind.IMAGE, "image/heic"),
}


_AUDIO_BRANDS = (b"M4A ", b"M4B ", b"F4A ", b"F4B ", b"M4P ")


@dataclass(frozen=True)
class DetectedMedia:
    kind: MediaKind
    media_type: str


def detect_media(head: bytes) -> DetectedMedia | None:
    """Classify a file by its leading bytes; None when it is nothing we accept."""
    if not head:
        return None
    if head.startswith(b"PK\x03\x04"):
        return _office_document(head)
    if head.startswith(b"OggS"):
        return _ogg(head)
    if head[4:8] == b"ftyp" and head[8:12] in _AUDIO_BRANDS:
        return DetectedMedia(MediaKind.AUDIO, "audio/mp4")  # MP4 holding sound only (.m4a)
    try:
        candidates = puremagic.magic_string(head)
    except puremagic.PureError:
        candidates = []
    for candidate in candidates:
        found = _BY_EXTENSION.get(candidate.extension.lower())
        if found is not None:
            return DetectedMedia(*found)
    if candidates:
        return None  # a known format, but not one a contest accepts (HTML, executables, ...)
    return _plain_text(head)


def _office_document(head: bytes) -> DetectedMedia | None:
    # A zip: Word files name their parts word/...; OpenDocument starts with its mimetype entry.
    if b"mimetype" in head[:100] and ODT.encode() in head[:200]:
        return DetectedMedia(MediaKind.TEXT, ODT)
    if b"word/" in head:
        return DetectedMedia(MediaKind.TEXT, DOCX)
    return None


def _ogg(head: bytes) -> DetectedMedia | None:
    if b"theora" in head[:512] or b"\x80theora" in head:
        return DetectedMedia(MediaKind.VIDEO, "video/ogg")
    if b"OpusHead" in head[:512] or b"\x01vorbis" in head[:512]:
        return DetectedMedia(MediaKind.AUDIO, "audio/ogg")
    return None


def _plain_text(head: bytes) -> DetectedMedia | None:
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The head may end inside a character; anything earlier is a real decoding error.
        if len(head) < HEAD_BYTES or error.start < len(head) - 3:
            return None
        text = head[: error.start].decode("utf-8")
    if text.lstrip()[:1] == "<":
        return None  # markup is not a plain-text article
    return DetectedMedia(MediaKind.TEXT, "text/plain")
