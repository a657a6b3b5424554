"""Measuring an uploaded file (duration, codecs, pixel size, pages, words) and refusing files
that cannot be read through: truncated, corrupt, or built to exhaust the verifier.

Everything reads the file in a stream or through a library that seeks: uploads can be
multi-gigabyte videos. The file's kind was already decided from its magic bytes.
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO
from xml.parsers import expat

import av
import av.error
from av.video.stream import VideoStream
from PIL import Image
from pypdf import PdfReader

from shared.contracts.submissions import MediaKind

from ..domain.media import DOCX, ODT

CHUNK = 1 << 20
MAX_XML_BYTES = 50 << 20  # one XML part of a Word/OpenDocument file, once inflated
MAX_UNPACKED_BYTES = 1 << 30  # all members of such a zip together, as declared
MAX_ZIP_MEMBERS = 10_000
# A 100 MP medium-format camera makes ~102 MP; beyond this it is a bomb or needs a human.
MAX_IMAGE_PIXELS = 150_000_000


@dataclass(frozen=True)
class MediaFacts:
    duration_seconds: float | None = None
    codecs: tuple[str, ...] = ()
    words: int | None = None
    pages: int | None = None
    width: int | None = None
    height: int | None = None

    def as_json(self) -> dict[str, object]:
        """Only the fields that are set."""
        return {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in asdict(self).items()
            if value is not None and value != ()
        }


class UnreadableMedia(Exception):
    """The file claims a format but cannot be read through (corrupt or truncated)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # Vietnamese / English, for the contestant


def _damaged(vi: str, en: str) -> UnreadableMedia:
    return UnreadableMedia(
        f"Tệp {vi} bị hỏng hoặc tải lên chưa hết (không đọc được đến cuối). "
        f"/ The {en} is damaged or incomplete."
    )


TOO_LARGE_UNPACKED = (
    "Tệp văn bản quá lớn khi giải nén (có thể là tệp độc hại). "
    "/ The document is too large once unpacked (possibly a malicious file)."
)
FORBIDDEN_DOCTYPE = (
    "Tệp văn bản chứa khai báo XML không được phép (DOCTYPE). "
    "/ The document contains a forbidden XML declaration (DOCTYPE)."
)


def probe(path: Path, kind: MediaKind, media_type: str) -> MediaFacts:
    """Measure the file; raise UnreadableMedia when it cannot be read through."""
    if kind in (MediaKind.AUDIO, MediaKind.VIDEO):
        return _probe_av(path, kind, media_type)
    if kind is MediaKind.IMAGE:
        return _probe_image(path, media_type)
    return _probe_text(path, media_type)


# --- words -----------------------------------------------------------------------------------

_HAS_WORD = re.compile(r"[^\W_]")  # a letter or a digit, in any script
_SPACES = re.compile(r"\s+")


class WordCounter:
    """Counts whitespace-separated tokens holding a letter or digit, fed in any pieces.

    This is how Vietnamese newsrooms count "từ" in Word: every syllable is a word.
    """

    def __init__(self) -> None:
        self.words = 0
        self._pending = False  # the unfinished token so far has a letter or digit

    def feed(self, text: str) -> None:
        pieces = _SPACES.split(text)
        if len(pieces) == 1:
            self._pending = self._pending or bool(_HAS_WORD.search(text))
            return
        if self._pending or _HAS_WORD.search(pieces[0]):
            self.words += 1
        self.words += sum(1 for piece in pieces[1:-1] if _HAS_WORD.search(piece))
        self._pending = bool(_HAS_WORD.search(pieces[-1]))

    def boundary(self) -> None:
        """End the current word (a paragraph, tab or line break)."""
        if self._pending:
            self.words += 1
        self._pending = False

    def total(self) -> int:
        self.boundary()
        return self.words


def count_words(text: str) -> int:
    counter = WordCounter()
    counter.feed(text)
    return counter.total()


# --- audio and video -------------------------------------------------------------------------

# Force the demuxer named by the detected type: never let FFmpeg probe its way into another
# format (playlists and concat lists can reach other files).
_DEMUXERS = {
    "video/mp4": "mov",
    "video/quicktime": "mov",
    "audio/mp4": "mov",
    "video/webm": "matroska",
    "video/x-matroska": "matroska",
    "video/x-msvideo": "avi",
    "video/ogg": "ogg",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/flac": "flac",
}
AV_OPTIONS = {"protocol_whitelist": "file"}


def demuxer_for(media_type: str) -> str | None:
    return _DEMUXERS.get(media_type)


def is_attached_picture(stream: Any) -> bool:
    return bool(stream.disposition & av.stream.Disposition.attached_pic)


def _probe_av(path: Path, kind: MediaKind, media_type: str) -> MediaFacts:
    video = kind is MediaKind.VIDEO
    damaged = _damaged("video", "video") if video else _damaged("âm thanh", "audio file")
    demuxer = demuxer_for(media_type)
    if not _sizes_fit(path, demuxer):
        raise damaged
    try:
        with av.open(
            str(path), format=demuxer, options=AV_OPTIONS, metadata_errors="replace"
        ) as container:
            streams = [
                s
                for s in container.streams
                if s.type in ("audio", "video") and not is_attached_picture(s)
            ]
            pictures = [s for s in streams if isinstance(s, VideoStream)]
            if video and not pictures:
                raise UnreadableMedia(
                    "Tệp không có hình nên không phải là video. "
                    "/ The file has no picture track, so it is not a video."
                )
            if not video and not any(s.type == "audio" for s in streams):
                raise UnreadableMedia(
                    "Tệp không có tiếng nên không phải là tệp âm thanh. "
                    "/ The file has no sound track, so it is not an audio file."
                )
            start = (
                container.start_time / av.time_base if container.start_time is not None else None
            )
            span = _demux_span(container, streams, start)
            if span is None:
                raise damaged
            declared = container.duration / av.time_base if container.duration else None
            codec_names = tuple(
                dict.fromkeys(s.codec_context.codec.canonical_name for s in streams)
            )
            width = pictures[0].width if pictures else None
            height = pictures[0].height if pictures else None
    except av.error.FFmpegError as error:
        raise damaged from error
    if declared is not None and _length_is_declared(path, demuxer):
        if span < declared - max(0.5, 0.02 * declared):
            raise damaged
        duration = max(declared, span)  # a header cannot shorten what is really there
    else:
        duration = span if span > 0 else (declared or 0.0)
    return MediaFacts(
        duration_seconds=round(duration, 3),
        codecs=codec_names,
        width=width or None,
        height=height or None,
    )


def _demux_span(container: Any, streams: list[Any], start: float | None) -> float | None:
    """Read every packet (no decoding: the cost is I/O); the seconds they cover, or None."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for packet in container.demux(streams):
        time = packet.pts if packet.pts is not None else packet.dts  # AVI may give only dts
        if time is None:
            continue  # the flush packet at the end of each stream
        if packet.is_corrupt:
            return None
        index = packet.stream.index
        first[index] = min(first.get(index, time), time)
        last[index] = max(last.get(index, time), time + (packet.duration or 0))
    if not last:
        return None
    bases = {s.index: s.time_base for s in streams}
    if start is None:  # else the container's start: encoder priming before it is not played
        start = min(float(first[i] * bases[i]) for i in first)
    end = max(float(last[i] * bases[i]) for i in last)
    return max(0.0, end - start)


def _length_is_declared(path: Path, demuxer: str | None) -> bool:
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


def _sizes_fit(path: Path, demuxer: str | None) -> bool:
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


# --- images ----------------------------------------------------------------------------------

_PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/tiff": "TIFF",
}


def _too_large_image(width: int | None = None, height: int | None = None) -> UnreadableMedia:
    size = f"{width}×{height} điểm ảnh; " if width and height else ""
    size_en = f"{width}×{height} pixels; " if width and height else ""
    limit = MAX_IMAGE_PIXELS // 1_000_000
    return UnreadableMedia(
        f"Ảnh quá lớn ({size}tối đa {limit} triệu điểm ảnh). "
        f"/ The image is too large ({size_en}at most {limit} million pixels)."
    )


def _probe_image(path: Path, media_type: str) -> MediaFacts:
    pillow_format = _PILLOW_FORMATS.get(media_type)
    damaged = _damaged("ảnh", "image")
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
        raise damaged from error
    return MediaFacts(width=width, height=height)


# --- texts -----------------------------------------------------------------------------------


def _probe_text(path: Path, media_type: str) -> MediaFacts:
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
    damaged = _damaged("PDF", "PDF")
    with path.open("rb") as file:
        file.seek(0, 2)
        file.seek(max(0, file.tell() - 1024))
        if b"%%EOF" not in file.read():
            raise damaged  # the end marker is missing: the upload was cut
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
            raise damaged from error
    return MediaFacts(pages=pages, words=counter.total())


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
        raise _damaged(vi, f"{en} file") from error
    return counter.total()
