"""Real media files of the kinds contestants upload, generated on the fly (no binary fixtures).

Video and audio are encoded with PyAV, images with Pillow, Word files with zipfile and PDFs by
hand (with a ToUnicode map, so Vietnamese text extracts exactly). Each generator writes `path`
and returns it.
"""

from __future__ import annotations

import io
import math
import shutil
import struct
import zipfile
import zlib
from array import array
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape, quoteattr

import av
from av.audio.stream import AudioStream
from av.stream import Disposition
from av.video.stream import VideoStream
from PIL import Image, ImageDraw, TiffImagePlugin
from PIL.PngImagePlugin import PngInfo

from tests.support.samples import pdf_file

AUTHOR = "Nguyễn Văn A"


# --- audio and video -------------------------------------------------------------------------


def video_codec() -> str:
    return "libx264" if "libx264" in av.codecs_available else "mpeg4"


def _tone(seconds: float, rate: int, frequency: float = 440.0) -> bytes:
    count = round(seconds * rate)
    samples = array(
        "h", (int(8000 * math.sin(2 * math.pi * frequency * i / rate)) for i in range(count))
    )
    return samples.tobytes()


def _encode_tone(
    container: av.container.OutputContainer, stream: AudioStream, seconds: float, rate: int
) -> None:
    pcm = _tone(seconds, rate)
    for start in range(0, len(pcm) // 2, 1024):
        piece = pcm[start * 2 : (start + 1024) * 2]
        frame = av.AudioFrame(format="s16", layout="mono", samples=len(piece) // 2)
        frame.planes[0].update(piece)
        frame.sample_rate, frame.pts = rate, start
        frame.time_base = Fraction(1, rate)
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)


def _encode_audio(
    container: av.container.OutputContainer, codec: str, seconds: float, rate: int
) -> None:
    stream = cast(AudioStream, container.add_stream(codec, rate=rate, layout="mono"))
    _encode_tone(container, stream, seconds, rate)


def _write_video(
    path: Path,
    container_format: str,
    video: str,
    audio: str | None,
    seconds: float,
    width: int,
    height: int,
    tags: dict[str, str],
    options: dict[str, str] | None = None,
) -> Path:
    fps = 25
    with av.open(str(path), "w", format=container_format, options=options or {}) as container:
        container.metadata.update(tags)
        stream = cast(VideoStream, container.add_stream(video, rate=fps))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if video == "libx264":
            stream.options = {"preset": "ultrafast"}
        sound = None  # every stream must exist before the first packet is written
        if audio is not None:
            sound = cast(AudioStream, container.add_stream(audio, rate=48000, layout="mono"))
        for index in range(round(seconds * fps)):
            picture = Image.new("RGB", (width, height), (20, 40 + index % 200, 90))
            ImageDraw.Draw(picture).rectangle((index * 4 % width, 10, index * 4 % width + 30, 60))
            frame = av.VideoFrame.from_image(picture)  # type: ignore[no-untyped-call]
            frame = frame.reformat(format="yuv420p")
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
        if sound is not None:
            _encode_tone(container, sound, seconds, 48000)
    return path


def mp4_video(
    path: Path,
    seconds: float = 2.0,
    width: int = 320,
    height: int = 240,
    title: str | None = None,
    artist: str | None = None,
    *,
    audio: bool = True,
    tags: dict[str, str] | None = None,
    faststart: bool = False,
) -> Path:
    """H.264 (or MPEG-4 part 2 without x264) and AAC in MP4, with optional tags."""
    all_tags = dict(tags or {})
    if title is not None:
        all_tags["title"] = title
    if artist is not None:
        all_tags["artist"] = artist
    options = {"movflags": "+faststart"} if faststart else None
    return _write_video(
        path,
        "mp4",
        video_codec(),
        "aac" if audio else None,
        seconds,
        width,
        height,
        all_tags,
        options,
    )


def webm_video(
    path: Path, seconds: float = 2.0, width: int = 320, height: int = 240, *, audio: bool = True
) -> Path:
    """VP8 and Opus in WebM."""
    return _write_video(
        path, "webm", "libvpx", "libopus" if audio else None, seconds, width, height, {}
    )


def wav_audio(
    path: Path, seconds: float = 1.0, rate: int = 8000, *, artist: str | None = None
) -> Path:
    """PCM 16-bit mono WAV; `artist` goes into the LIST/INFO chunk (IART)."""
    with av.open(str(path), "w", format="wav") as container:
        if artist is not None:
            container.metadata["artist"] = artist
        _encode_audio(container, "pcm_s16le", seconds, rate)
    return path


def mp3_or_m4a_audio(
    path: Path,
    seconds: float = 2.0,
    *,
    artist: str | None = None,
    title: str | None = None,
    tags: dict[str, str] | None = None,
    cover: bool = False,
) -> Path:
    """MP3 (LAME, with its Xing header) when the name ends in .mp3, else AAC in an M4A.

    `cover` adds a JPEG cover picture (an ID3 APIC frame / an attached picture stream)."""
    mp3 = path.suffix.lower() == ".mp3"
    with av.open(str(path), "w", format="mp3" if mp3 else "ipod") as container:
        container.metadata.update(tags or {})
        if artist is not None:
            container.metadata["artist"] = artist
        if title is not None:
            container.metadata["title"] = title
        codec = "libmp3lame" if mp3 else "aac"
        sound = cast(AudioStream, container.add_stream(codec, rate=44100, layout="mono"))
        picture = None
        if cover:
            picture = container.add_stream("mjpeg")
            picture.width, picture.height, picture.pix_fmt = 40, 30, "yuvj420p"
            picture.disposition = Disposition.attached_pic
        _encode_tone(container, sound, seconds, 44100)
        if picture is not None:
            jpeg = io.BytesIO()
            _picture(40, 30).save(jpeg, "JPEG")
            packet = av.Packet(jpeg.getvalue())
            packet.stream, packet.pts, packet.dts = picture, 0, 0
            container.mux(packet)
    return path


def mp4_with_xmp(path_in: Path, path_out: Path, creator: str = AUTHOR) -> Path:
    """A copy of an MP4 with the XMP "uuid" box video editors such as Premiere append."""
    packet = xmp_packet(creator)
    xmp_uuid = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
    box = struct.pack(">I", 8 + 16 + len(packet)) + b"uuid" + xmp_uuid + packet
    copy(path_in, path_out)
    with path_out.open("ab") as out:
        out.write(box)
    return path_out


def truncated(path_in: Path, path_out: Path, keep_fraction: float) -> Path:
    """The first `keep_fraction` of a file, as an interrupted upload leaves it."""
    keep = int(path_in.stat().st_size * keep_fraction)
    with path_in.open("rb") as src, path_out.open("wb") as dst:
        while keep > 0:
            chunk = src.read(min(keep, 1 << 20))
            if not chunk:
                break
            dst.write(chunk)
            keep -= len(chunk)
    return path_out


# --- images ----------------------------------------------------------------------------------


def _picture(width: int, height: int) -> Image.Image:
    picture = Image.new("RGB", (width, height), (200, 60, 40))
    ImageDraw.Draw(picture).ellipse((2, 2, width - 3, height - 3), fill=(30, 120, 200))
    return picture


def _gps(latitude: float, longitude: float) -> dict[int, object]:
    def dms(value: float) -> tuple[TiffImagePlugin.IFDRational, ...]:
        value = abs(value)
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = round((value - degrees - minutes / 60) * 3600 * 100)
        return (
            TiffImagePlugin.IFDRational(degrees, 1),
            TiffImagePlugin.IFDRational(minutes, 1),
            TiffImagePlugin.IFDRational(seconds, 100),
        )

    return {
        1: "N" if latitude >= 0 else "S",
        2: dms(latitude),
        3: "E" if longitude >= 0 else "W",
        4: dms(longitude),
    }


def exif_block(
    artist: str | None = AUTHOR,
    *,
    copyright: str | None = None,
    serial: str | None = None,
    gps: tuple[float, float] | None = None,
    xp_author: str | None = None,
    orientation: int | None = None,
) -> Image.Exif:
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    exif[0x010F] = "Canon"  # Make: not identifying by itself
    if artist is not None:
        exif[0x013B] = artist.encode()  # UTF-8 in an ASCII tag, as cameras and editors do
    if copyright is not None:
        exif[0x8298] = copyright.encode()
    if xp_author is not None:
        exif[0x9C9D] = xp_author.encode("utf-16-le") + b"\x00\x00"
    if serial is not None:
        exif.get_ifd(0x8769)[0xA431] = serial
    if gps is not None:
        exif.get_ifd(0x8825).update(_gps(*gps))
    return exif


def _iptc_app13(byline: str) -> bytes:
    value = byline.encode()
    iptc = b"\x1c\x02\x00\x00\x02\x00\x04" + b"\x1c\x02\x50" + struct.pack(">H", len(value)) + value
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    if len(iptc) % 2:
        resource += b"\x00"
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_exif(
    path: Path,
    artist: str | None = AUTHOR,
    *,
    width: int = 64,
    height: int = 48,
    copyright: str | None = "© Báo Lạng Sơn",
    serial: str | None = "083024001234",
    gps: tuple[float, float] | None = (21.853708, 106.761519),
    xp_author: str | None = None,
    orientation: int | None = None,
    comment: str | None = None,
    xmp_creator: str | None = None,
    iptc_byline: str | None = None,
    trailer: bytes = b"",
) -> Path:
    """A JPEG carrying the metadata a newsroom camera and Photoshop leave behind."""
    exif = exif_block(
        artist,
        copyright=copyright,
        serial=serial,
        gps=gps,
        xp_author=xp_author,
        orientation=orientation,
    )
    params: dict[str, object] = {"exif": exif, "quality": 90}
    if comment is not None:
        params["comment"] = comment.encode()
    if xmp_creator is not None:
        params["xmp"] = xmp_packet(xmp_creator)
    _picture(width, height).save(path, "JPEG", **params)
    if iptc_byline is not None:
        data = path.read_bytes()
        path.write_bytes(data[:2] + _iptc_app13(iptc_byline) + data[2:])
    if trailer:
        with path.open("ab") as out:
            out.write(trailer)
    return path


def xmp_packet(creator: str) -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator><rdf:Seq><rdf:li>{escape(creator)}</rdf:li></rdf:Seq></dc:creator>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def png_with_text_chunks(
    path: Path,
    text: dict[str, str] | None = None,
    *,
    width: int = 32,
    height: int = 24,
    compressed: dict[str, str] | None = None,
    exif_artist: str | None = None,
) -> Path:
    """A PNG with iTXt (Unicode), zTXt (compressed) and optionally eXIf chunks."""
    info = PngInfo()
    for key, value in (text if text is not None else {"Author": AUTHOR}).items():
        info.add_itxt(key, value)
    for key, value in (compressed or {"Comment": "Anh du thi cua Nguyen Van A"}).items():
        info.add_text(key, value.encode("latin-1", "replace"), zip=True)
    params: dict[str, object] = {"pnginfo": info}
    if exif_artist is not None:
        params["exif"] = exif_block(exif_artist)
    _picture(width, height).save(path, "PNG", **params)
    return path


def png_huge_dimensions(path: Path, width: int = 40_000, height: int = 40_000) -> Path:
    """A tiny PNG whose header claims a picture far too big to decode (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )
    return path


# --- Word documents --------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/comments.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)


def _runs(text: str) -> str:
    # Split each paragraph into two runs in the middle of a word, as Word does after an edit:
    # the word must still count once.
    middle = len(text) // 2
    parts = [text[:middle], text[middle:]] if middle else [text]
    return "".join(
        f'<w:r><w:t xml:space="preserve">{escape(part)}</w:t></w:r>' for part in parts if part
    )


def docx_document_xml(
    paragraphs: Iterable[str], *, revision_author: str | None = None, comment: bool = False
) -> str:
    body = []
    for number, paragraph in enumerate(paragraphs):
        extra = ""
        if revision_author is not None and number == 0:
            author = quoteattr(revision_author)
            extra = (
                f'<w:del w:id="90" w:author={author} w:date="2025-05-01T08:00:00Z">'
                "<w:r><w:delText>chữ đã xoá</w:delText></w:r></w:del>"
                f'<w:ins w:id="91" w:author={author} w:date="2025-05-01T08:00:00Z">'
                "<w:r><w:t>thêm</w:t></w:r></w:ins>"
            )
            extra = f"<w:r><w:tab/></w:r>{extra}"
        anchor = ""
        if comment and number == 0:
            anchor = '<w:r><w:commentReference w:id="0"/></w:r>'
        body.append(f"<w:p>{_runs(paragraph)}{extra}{anchor}</w:p>")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}"><w:body>{"".join(body)}<w:sectPr/></w:body></w:document>'
    )


def docx(
    path: Path,
    paragraphs: Sequence[str],
    creator: str = AUTHOR,
    last_modified_by: str = "Trần Thị B",
    *,
    company: str | None = "Báo Lạng Sơn",
    comment_author: str | None = None,
    revision_author: str | None = None,
) -> Path:
    """A minimal but valid .docx (Word opens it) with its core and app properties."""
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title>Bài dự thi</dc:title>"
        f"<dc:creator>{escape(creator)}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(last_modified_by)}</cp:lastModifiedBy>"
        "<cp:revision>3</cp:revision>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2025-05-01T08:00:00Z</dcterms:created>'
        "</cp:coreProperties>"
    )
    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>Microsoft Office Word</Application>'
        + (f"<Company>{escape(company)}</Company>" if company is not None else "")
        + "</Properties>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr(
            "word/document.xml",
            docx_document_xml(
                paragraphs, revision_author=revision_author, comment=comment_author is not None
            ),
        )
        if comment_author is not None:
            archive.writestr(
                "word/comments.xml",
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:comments xmlns:w="{W}"><w:comment w:id="0" '
                f'w:author={quoteattr(comment_author)} w:initials="NVA">'
                "<w:p><w:r><w:t>Xem lại đoạn này</w:t></w:r></w:p>"
                "</w:comment></w:comments>",
            )
        archive.writestr("docProps/core.xml", core)
        archive.writestr("docProps/app.xml", app)
    return path


def zip_bomb_docx(path: Path, unpacked_mib: int = 60) -> Path:
    """A .docx whose document.xml inflates to `unpacked_mib` MiB from a few hundred KiB."""
    paragraph = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 4096
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<w:document xmlns:w="{W}"><w:body>'.encode())
            for _ in range(unpacked_mib * (1 << 20) // len(paragraph) + 1):
                part.write(paragraph)
            part.write(b"</w:body></w:document>")
    return path


def docx_with_document_xml(path: Path, document_xml: bytes) -> Path:
    """A .docx around an arbitrary document.xml (for hostile XML)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", document_xml)
    return path


def billion_laughs_xml() -> bytes:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?><!DOCTYPE w:document [' + "".join(entities) + "]>"
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    ).encode()


def odt(path: Path, paragraphs: Sequence[str], creator: str = AUTHOR) -> Path:
    """A minimal OpenDocument text (mimetype first and stored, as the format requires)."""
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    body = "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="{office}" '
        f'xmlns:text="{text_ns}" office:version="1.2"><office:body><office:text>'
        "<text:p>Ghi chú<office:annotation><dc:creator xmlns:dc="
        f'"http://purl.org/dc/elements/1.1/">{escape(creator)}</dc:creator>'
        "<text:p>không đếm</text:p></office:annotation></text:p>"
        f"{body}</office:text></office:body></office:document-content>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta xmlns:office="{office}" '
        'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2"><office:meta>'
        f"<meta:initial-creator>{escape(creator)}</meta:initial-creator>"
        f"<dc:creator>{escape(creator)}</dc:creator></office:meta></office:document-meta>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("meta.xml", meta)
    return path


# --- PDF -------------------------------------------------------------------------------------


def _pdf_text_string(value: str) -> bytes:
    return b"<" + ("\ufeff" + value).encode("utf-16-be").hex().upper().encode() + b">"


def pdf_with_text(
    path: Path,
    text: str | Sequence[str],
    author: str | None = AUTHOR,
    *,
    title: str | None = "Bài dự thi",
    xmp_creator: str | None = None,
) -> Path:
    """A PDF with one page per string (lines split on newlines), Vietnamese-capable.

    The font is a CID font with a ToUnicode map and no embedded glyphs: viewers draw boxes,
    but text extraction returns exactly the characters written, which is what is measured.
    """
    pages = [text] if isinstance(text, str) else list(text)
    characters = sorted({c for page in pages for c in page if c != "\n"})
    cid = {c: i + 1 for i, c in enumerate(characters)}
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in at the end
    pages_ref = add(b"")
    bfchar = []
    for start in range(0, len(characters), 100):
        block = characters[start : start + 100]
        lines = [f"<{cid[c]:04X}> <{c.encode('utf-16-be').hex().upper()}>" for c in block]
        bfchar.append(f"{len(block)} beginbfchar\n" + "\n".join(lines) + "\nendbfchar")
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        + "\n".join(bfchar)
        + "\nendcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    to_unicode = add(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /ArialMT /Flags 32 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>"
    )
    cid_font = add(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ArialMT /CIDSystemInfo << /Registry "
        b"(Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 500 "
        b"/CIDToGIDMap /Identity >>" % descriptor
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ArialMT /Encoding /Identity-H "
        b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid_font, to_unicode)
    )
    kids = []
    for page in pages:
        ops = [b"BT /F1 12 Tf 14 TL 72 760 Td"]
        for line in page.split("\n"):
            ops.append(b"<" + b"".join(b"%04X" % cid[c] for c in line) + b"> Tj T*")
        ops.append(b"ET")
        content = b"\n".join(ops)
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_ref, stream, font)
            )
        )
    objects[pages_ref - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    metadata = b""
    if xmp_creator is not None:
        packet = xmp_packet(xmp_creator)
        xmp = add(
            b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(packet)
            + packet
            + b"\nendstream"
        )
        metadata = b" /Metadata %d 0 R" % xmp
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R%s >>" % (pages_ref, metadata)
    info_entries = b"/Producer (hand-made)"
    if author is not None:
        info_entries += b" /Author " + _pdf_text_string(author)
    if title is not None:
        info_entries += b" /Title " + _pdf_text_string(title)
    info = add(b"<< " + info_entries + b" >>")

    path.write_bytes(pdf_file(objects, root=catalog, info=info))
    return path


def copy(path_in: Path, path_out: Path) -> Path:
    shutil.copyfile(path_in, path_out)
    return path_out
