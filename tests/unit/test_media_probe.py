"""Measuring uploads and stripping what names their author, on real files made on the fly."""

from __future__ import annotations

import zipfile
from pathlib import Path

import av
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from services.submissions.domain.media import DOCX, ODT, detect_media
from services.submissions.media.probe import (
    MediaFacts,
    UnreadableMedia,
    WordCounter,
    count_words,
    probe,
)
from services.submissions.media.scrub import Scrubbed, scrub
from shared.contracts.submissions import MediaKind
from tests.support import media_samples as samples

HEADLINE = "Người tốt việc tốt ở Lạng Sơn"  # 7 words: each syllable counts
PDF = "application/pdf"


def detected(path: Path) -> tuple[MediaKind, str]:
    with path.open("rb") as file:
        found = detect_media(file.read(64 * 1024))
    assert found is not None
    return found.kind, found.media_type


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The encoded samples several tests share (encoding is the slow part)."""
    folder = tmp_path_factory.mktemp("media")
    samples.mp4_video(folder / "plain.mp4", seconds=2.0, width=176, height=144)
    samples.mp4_video(
        folder / "tagged.mp4",
        seconds=2.0,
        title="Phóng sự Mẫu Sơn",
        artist="Nguyễn Văn A",
        tags={"location": "+21.8537+106.7615/", "copyright": "Đài PT-TH Lạng Sơn"},
    )
    samples.mp4_video(folder / "faststart.mp4", seconds=2.0, faststart=True)
    samples.mp4_video(folder / "silent.mp4", seconds=1.0, audio=False)
    samples.webm_video(folder / "clip.webm", seconds=2.0, width=160, height=120)
    samples.wav_audio(folder / "tone.wav", seconds=1.5, artist="Nguyễn Văn A")
    samples.mp3_or_m4a_audio(folder / "tone.mp3", seconds=2.0, artist="Nguyễn Văn A")
    samples.mp3_or_m4a_audio(folder / "tone.m4a", seconds=2.0)
    return folder


# --- audio and video -------------------------------------------------------------------------


def test_a_video_is_measured(media: Path) -> None:
    facts = probe(media / "plain.mp4", MediaKind.VIDEO, "video/mp4")
    assert facts.duration_seconds == pytest.approx(2.0, abs=0.2)
    assert facts.codecs == ("h264" if samples.video_codec() == "libx264" else "mpeg4", "aac")
    assert (facts.width, facts.height) == (176, 144)
    assert facts.words is None and facts.pages is None
    assert facts.as_json() == {
        "duration_seconds": facts.duration_seconds,
        "codecs": list(facts.codecs),
        "width": 176,
        "height": 144,
    }


def test_a_webm_video_is_measured(media: Path) -> None:
    kind, media_type = detected(media / "clip.webm")
    facts = probe(media / "clip.webm", kind, media_type)
    assert (kind, media_type) == (MediaKind.VIDEO, "video/webm")
    assert facts.codecs == ("vp8", "opus")
    assert facts.duration_seconds == pytest.approx(2.0, abs=0.2)
    assert (facts.width, facts.height) == (160, 120)


@pytest.mark.parametrize(
    ("name", "media_type", "seconds", "codecs"),
    [
        ("tone.wav", "audio/wav", 1.5, ("pcm_s16le",)),
        ("tone.mp3", "audio/mpeg", 2.0, ("mp3",)),
        ("tone.m4a", "audio/mp4", 2.0, ("aac",)),
    ],
)
def test_audio_is_measured(
    media: Path, name: str, media_type: str, seconds: float, codecs: tuple[str, ...]
) -> None:
    facts = probe(media / name, MediaKind.AUDIO, media_type)
    assert facts.duration_seconds == pytest.approx(seconds, abs=0.2)
    assert facts.codecs == codecs
    assert facts.width is None and facts.height is None


def test_a_video_without_pictures_and_audio_without_sound_are_refused(media: Path) -> None:
    with pytest.raises(UnreadableMedia, match="không có hình"):
        probe(media / "tone.m4a", MediaKind.VIDEO, "video/mp4")
    with pytest.raises(UnreadableMedia, match="không có tiếng"):
        probe(media / "silent.mp4", MediaKind.AUDIO, "audio/mp4")
    assert len(probe(media / "silent.mp4", MediaKind.VIDEO, "video/mp4").codecs) == 1


@pytest.mark.parametrize(
    ("name", "kind", "media_type", "keep"),
    [
        ("plain.mp4", MediaKind.VIDEO, "video/mp4", 0.9),  # index at the end: cut away
        ("faststart.mp4", MediaKind.VIDEO, "video/mp4", 0.5),  # index first: samples missing
        ("faststart.mp4", MediaKind.VIDEO, "video/mp4", 0.99),
        ("clip.webm", MediaKind.VIDEO, "video/webm", 0.9),
        ("tone.wav", MediaKind.AUDIO, "audio/wav", 0.9),
        ("tone.mp3", MediaKind.AUDIO, "audio/mpeg", 0.5),
        ("tone.m4a", MediaKind.AUDIO, "audio/mp4", 0.6),
    ],
)
def test_cut_audio_and_video_are_unreadable(
    media: Path, tmp_path: Path, name: str, kind: MediaKind, media_type: str, keep: float
) -> None:
    probe(media / name, kind, media_type)  # whole, it reads
    cut = samples.truncated(media / name, tmp_path / name, keep)
    with pytest.raises(UnreadableMedia) as refused:
        probe(cut, kind, media_type)
    assert "tải lên chưa hết" in refused.value.reason and " / " in refused.value.reason


# --- images ----------------------------------------------------------------------------------


def test_images_are_measured(tmp_path: Path) -> None:
    jpeg = samples.jpeg_with_exif(tmp_path / "a.jpg", width=120, height=80)
    png = samples.png_with_text_chunks(tmp_path / "a.png", width=33, height=21)
    assert probe(jpeg, *detected(jpeg)) == MediaFacts(width=120, height=80)
    assert probe(png, *detected(png)).as_json() == {"width": 33, "height": 21}


@pytest.mark.parametrize("suffix", ["jpg", "png"])
def test_cut_images_are_unreadable(tmp_path: Path, suffix: str) -> None:
    whole = tmp_path / f"whole.{suffix}"
    if suffix == "jpg":
        samples.jpeg_with_exif(whole, width=300, height=200)
    else:
        samples.png_with_text_chunks(whole, width=300, height=200)
    cut = samples.truncated(whole, tmp_path / f"cut.{suffix}", 0.8)
    with pytest.raises(UnreadableMedia, match="ảnh"):
        probe(cut, *detected(whole))


def test_a_decompression_bomb_is_refused(tmp_path: Path) -> None:
    bomb = samples.png_huge_dimensions(tmp_path / "bomb.png")
    assert bomb.stat().st_size < 2000
    with pytest.raises(UnreadableMedia, match="quá lớn"):
        probe(bomb, MediaKind.IMAGE, "image/png")


# --- texts -----------------------------------------------------------------------------------


def test_words_are_counted_like_newsrooms_do() -> None:
    assert count_words(HEADLINE) == 7
    assert count_words("  – 2025 ... «Lạng Sơn»\n\tđẹp!  ") == 4  # a lone dash is no word
    assert count_words("") == 0


@given(st.text(alphabet="ạb 1\n–,\t"), st.lists(st.integers(0, 40), max_size=6))
def test_words_counted_in_pieces_match_the_whole(text: str, cuts: list[int]) -> None:
    counter = WordCounter()
    position = 0
    for cut in sorted(c for c in cuts if c <= len(text)):
        counter.feed(text[position:cut])
        position = cut
    counter.feed(text[position:])
    assert counter.total() == len([t for t in text.split() if any(c.isalnum() for c in t)])


def test_a_word_file_is_counted_without_deleted_text(tmp_path: Path) -> None:
    path = samples.docx(
        tmp_path / "bai.docx", [HEADLINE, "Xuân về trên xứ Lạng."], revision_author="Trần C"
    )
    assert detected(path) == (MediaKind.TEXT, DOCX)
    # 7 + 5, plus the tracked insertion "thêm"; the tracked deletion does not count.
    assert probe(path, MediaKind.TEXT, DOCX) == MediaFacts(words=13)


def test_a_text_box_is_counted_once(tmp_path: Path) -> None:
    # Word stores a text box twice: the DrawingML choice and a VML fallback for old readers.
    box = f"<w:txbxContent><w:p><w:r><w:t>{HEADLINE}</w:t></w:r></w:p></w:txbxContent>"
    document = (
        f'<w:document xmlns:w="{samples.W}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body><w:p>'
        f"<w:r><mc:AlternateContent><mc:Choice Requires='wps'>{box}</mc:Choice>"
        f"<mc:Fallback>{box}</mc:Fallback></mc:AlternateContent></w:r>"
        "<w:r><w:t>Hết</w:t></w:r></w:p></w:body></w:document>"
    )
    path = samples.docx_with_document_xml(tmp_path / "hop.docx", document.encode())
    assert probe(path, MediaKind.TEXT, DOCX).words == 7 + 1


def test_pdf_odt_and_plain_text_are_counted(tmp_path: Path) -> None:
    pdf = samples.pdf_with_text(tmp_path / "bai.pdf", [HEADLINE + "\nhai dòng", "Trang 2"])
    assert probe(pdf, *detected(pdf)) == MediaFacts(words=11, pages=2)
    odt = samples.odt(tmp_path / "bai.odt", [HEADLINE])
    assert probe(odt, MediaKind.TEXT, ODT).words == 7 + 2  # "Ghi chú"; the comment is not
    text = tmp_path / "bai.txt"
    text.write_text(HEADLINE + "\n" * 3 + "– 2025", encoding="utf-8")
    assert probe(text, *detected(text)) == MediaFacts(words=8)


def test_word_97_and_rtf_are_not_counted_but_accepted(tmp_path: Path) -> None:
    doc = tmp_path / "bai.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    assert probe(doc, MediaKind.TEXT, "application/msword") == MediaFacts()
    assert probe(doc, MediaKind.TEXT, "application/rtf").words is None


@pytest.mark.parametrize(("name", "media_type"), [("bai.pdf", PDF), ("bai.docx", DOCX)])
def test_cut_documents_are_unreadable(tmp_path: Path, name: str, media_type: str) -> None:
    whole = tmp_path / name
    if media_type == PDF:
        samples.pdf_with_text(whole, [HEADLINE] * 3)
    else:
        samples.docx(whole, [HEADLINE] * 50)
    assert probe(whole, MediaKind.TEXT, media_type).words == 7 * (3 if media_type == PDF else 50)
    cut = samples.truncated(whole, tmp_path / f"cut-{name}", 0.8)
    with pytest.raises(UnreadableMedia, match="bị hỏng"):
        probe(cut, MediaKind.TEXT, media_type)


def test_a_zip_bomb_word_file_is_refused(tmp_path: Path) -> None:
    bomb = samples.zip_bomb_docx(tmp_path / "bomb.docx", unpacked_mib=60)
    assert bomb.stat().st_size < 2 << 20
    with pytest.raises(UnreadableMedia, match="quá lớn"):
        probe(bomb, MediaKind.TEXT, DOCX)


def test_xml_entity_expansion_is_refused(tmp_path: Path) -> None:
    laughs = samples.docx_with_document_xml(tmp_path / "lol.docx", samples.billion_laughs_xml())
    with pytest.raises(UnreadableMedia, match="DOCTYPE"):
        probe(laughs, MediaKind.TEXT, DOCX)


# --- scrubbing images ------------------------------------------------------------------------


def test_jpeg_metadata_is_stripped_without_re_encoding(tmp_path: Path) -> None:
    original = samples.jpeg_with_exif(
        tmp_path / "anh.jpg",
        artist="Nguyễn Văn A",
        xp_author="Hoàng F",
        comment="Ảnh của Lê C",
        xmp_creator="Phạm D",
        iptc_byline="Vũ E",
        trailer=b"phone trailer: owner Nguyen Van A",
    )
    result = scrub(original, MediaKind.IMAGE, "image/jpeg", tmp_path / "clean.jpg")
    assert result.found["EXIF Artist"] == "Nguyễn Văn A"
    assert result.found["EXIF XPAuthor"] == "Hoàng F"
    assert result.found["EXIF BodySerialNumber"] == "083024001234"
    assert result.found["EXIF GPS"] == "21.853708, 106.761519"
    assert result.found["XMP creator"] == "Phạm D"
    assert result.found["IPTC By-line"] == "Vũ E"
    assert result.found["JPEG comment"] == "Ảnh của Lê C"
    assert result.cleaned == tmp_path / "clean.jpg" and result.remaining == ()
    with Image.open(original) as before, Image.open(result.cleaned) as after:
        assert after.size == before.size
        assert not after.getexif() and "exif" not in after.info
        assert not {"xmp", "comment", "photoshop"} & set(after.info)
        assert after.tobytes() == before.tobytes()  # the same decoded pixels: lossless
    assert b"Nguyen" not in result.cleaned.read_bytes()
    assert scrub(result.cleaned, MediaKind.IMAGE, "image/jpeg", tmp_path / "again.jpg").found == {}


def test_jpeg_orientation_survives_the_stripping(tmp_path: Path) -> None:
    original = samples.jpeg_with_exif(tmp_path / "doc.jpg", orientation=6, gps=None)
    result = scrub(original, MediaKind.IMAGE, "image/jpeg", tmp_path / "clean.jpg")
    assert result.cleaned is not None
    with Image.open(result.cleaned) as after:
        assert dict(after.getexif()) == {0x0112: 6}


def test_a_jpeg_without_identifying_metadata_is_left_alone(tmp_path: Path) -> None:
    plain = samples.jpeg_with_exif(
        tmp_path / "a.jpg", artist=None, copyright=None, serial=None, gps=None
    )
    out = tmp_path / "clean.jpg"
    assert scrub(plain, MediaKind.IMAGE, "image/jpeg", out).cleaned is None
    assert not out.exists()


def test_a_jpeg_that_cannot_be_rewritten_reports_what_remains(tmp_path: Path) -> None:
    whole = samples.jpeg_with_exif(tmp_path / "a.jpg", width=200, height=150)
    cut = samples.truncated(whole, tmp_path / "cut.jpg", 0.7)
    out = tmp_path / "clean.jpg"
    result = scrub(cut, MediaKind.IMAGE, "image/jpeg", out)
    assert result.cleaned is None and not out.exists()
    assert "EXIF Artist" in result.remaining and set(result.remaining) == set(result.found)


def test_png_text_chunks_are_stripped_and_other_chunks_kept(tmp_path: Path) -> None:
    original = samples.png_with_text_chunks(tmp_path / "a.png", exif_artist="Vũ G")
    result = scrub(original, MediaKind.IMAGE, "image/png", tmp_path / "clean.png")
    assert result.found["PNG text Author"] == "Nguyễn Văn A"
    assert result.found["PNG text Comment"] == "Anh du thi cua Nguyen Van A"
    assert result.found["EXIF Artist"] == "Vũ G"
    assert result.cleaned is not None
    before, after = original.read_bytes(), result.cleaned.read_bytes()
    for kept in (b"IHDR", b"IDAT", b"IEND"):
        start = before.index(kept) - 4
        length = int.from_bytes(before[start : start + 4], "big") + 12
        assert before[start : start + length] in after  # byte for byte, CRC included
    for dropped in (b"iTXt", b"zTXt", b"tEXt", b"eXIf"):
        assert dropped not in after
    with Image.open(original) as a, Image.open(result.cleaned) as b:
        assert a.tobytes() == b.tobytes() and not b.info


def test_webp_metadata_is_reported_as_remaining(tmp_path: Path) -> None:
    path = tmp_path / "a.webp"
    Image.new("RGB", (20, 10), "red").save(path, "WEBP", exif=samples.exif_block("Nguyễn Văn A"))
    result = scrub(path, MediaKind.IMAGE, "image/webp", tmp_path / "clean.webp")
    assert result.found["EXIF Artist"] == "Nguyễn Văn A"
    assert result.cleaned is None and "EXIF Artist" in result.remaining


# --- scrubbing documents ---------------------------------------------------------------------


def test_word_properties_and_reviewers_are_blanked(tmp_path: Path) -> None:
    original = samples.docx(
        tmp_path / "bai.docx",
        [HEADLINE, "Đoạn hai & <ba>."],
        creator="Nguyễn Văn A",
        last_modified_by="Trần Thị B",
        comment_author="Lê C",
        revision_author="Phạm D",
    )
    result = scrub(original, MediaKind.TEXT, DOCX, tmp_path / "clean.docx")
    assert result.found == {
        "docx creator": "Nguyễn Văn A",
        "docx lastModifiedBy": "Trần Thị B",
        "docx Company": "Báo Lạng Sơn",
        "docx comment author": "Lê C",
        "docx comment initials": "NVA",
        "docx revision author": "Phạm D",
    }
    assert result.cleaned is not None and result.remaining == ()
    with zipfile.ZipFile(original) as before, zipfile.ZipFile(result.cleaned) as after:
        assert after.namelist() == before.namelist()
        for name in after.namelist():
            text = after.read(name).decode()
            for person in ("Nguyễn Văn A", "Trần Thị B", "Lê C", "Phạm D", "Báo Lạng Sơn"):
                assert person not in text, (name, person)
        assert "<dc:creator></dc:creator>" in after.read("docProps/core.xml").decode()
        document_before = before.read("word/document.xml").decode()
        document_after = after.read("word/document.xml").decode()
        # Only the author attributes changed; the text is exactly the same.
        assert document_after == document_before.replace('w:author="Phạm D"', 'w:author=""')
        assert after.read("_rels/.rels") == before.read("_rels/.rels")
    assert probe(result.cleaned, MediaKind.TEXT, DOCX) == probe(original, MediaKind.TEXT, DOCX)


def test_an_odt_keeps_its_mimetype_first_and_loses_its_creator(tmp_path: Path) -> None:
    original = samples.odt(tmp_path / "bai.odt", [HEADLINE], creator="Nguyễn Văn A")
    result = scrub(original, MediaKind.TEXT, ODT, tmp_path / "clean.odt")
    assert result.found["odt creator"] == "Nguyễn Văn A" and result.cleaned is not None
    with zipfile.ZipFile(result.cleaned) as after:
        first = after.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert all("Nguyễn" not in after.read(n).decode() for n in after.namelist())
    assert detected(result.cleaned) == (MediaKind.TEXT, ODT)


def test_pdf_author_and_xmp_are_removed(tmp_path: Path) -> None:
    original = samples.pdf_with_text(
        tmp_path / "bai.pdf", HEADLINE, author="Nguyễn Văn A", xmp_creator="Nguyễn Văn A"
    )
    result = scrub(original, MediaKind.TEXT, PDF, tmp_path / "clean.pdf")
    assert result.found == {"PDF Author": "Nguyễn Văn A", "PDF XMP creator": "Nguyễn Văn A"}
    assert result.cleaned is not None and result.remaining == ()
    reader = PdfReader(result.cleaned)
    assert reader.metadata is not None and reader.metadata.author is None
    assert reader.metadata.title == "Bài dự thi"  # the work's title stays
    assert reader.xmp_metadata is None
    assert reader.pages[0].extract_text() == PdfReader(original).pages[0].extract_text()


def test_plain_text_has_nothing_to_strip(tmp_path: Path) -> None:
    text = tmp_path / "bai.txt"
    text.write_text(HEADLINE, encoding="utf-8")
    result = scrub(text, MediaKind.TEXT, "text/plain", tmp_path / "out")
    assert (result.found, result.cleaned, result.remaining) == ({}, None, ())
    assert not (tmp_path / "out").exists()


# --- scrubbing audio and video ---------------------------------------------------------------


def test_video_tags_are_removed_by_remuxing(media: Path, tmp_path: Path) -> None:
    result = scrub(media / "tagged.mp4", MediaKind.VIDEO, "video/mp4", tmp_path / "clean.mp4")
    assert result.found["video tag artist"] == "Nguyễn Văn A"
    assert result.found["video tag location"] == "+21.8537+106.7615/"
    assert result.found["video tag copyright"] == "Đài PT-TH Lạng Sơn"
    assert result.found["video tag title"] == "Phóng sự Mẫu Sơn"  # reported, not a reason
    assert result.cleaned is not None and result.remaining == ()
    with av.open(str(result.cleaned)) as container:
        tags = {k.lower() for k in container.metadata}
        assert not tags & {"artist", "location", "copyright", "title"}
    before = probe(media / "tagged.mp4", MediaKind.VIDEO, "video/mp4")
    after = probe(result.cleaned, MediaKind.VIDEO, "video/mp4")
    assert after.duration_seconds == pytest.approx(before.duration_seconds, abs=0.2)
    assert (after.codecs, after.width, after.height) == (before.codecs, 320, 240)


def test_a_title_alone_does_not_rewrite_a_video(tmp_path: Path) -> None:
    video = samples.mp4_video(tmp_path / "a.mp4", seconds=0.5, title="Phóng sự")
    result = scrub(video, MediaKind.VIDEO, "video/mp4", tmp_path / "clean.mp4")
    assert result == Scrubbed({"video tag title": "Phóng sự"}, None, ())


@pytest.mark.parametrize(
    ("name", "media_type"), [("tone.mp3", "audio/mpeg"), ("tone.wav", "audio/wav")]
)
def test_audio_artist_tags_are_removed(
    media: Path, tmp_path: Path, name: str, media_type: str
) -> None:
    out = tmp_path / f"clean-{name}"
    result = scrub(media / name, MediaKind.AUDIO, media_type, out)
    assert result.found == {"audio tag artist": "Nguyễn Văn A"} and result.cleaned == out
    with av.open(str(out)) as container:
        assert "artist" not in container.metadata
    assert probe(out, MediaKind.AUDIO, media_type).duration_seconds == pytest.approx(
        probe(media / name, MediaKind.AUDIO, media_type).duration_seconds, abs=0.2
    )


def test_a_cover_picture_is_reported_and_dropped(tmp_path: Path) -> None:
    song = samples.mp3_or_m4a_audio(tmp_path / "a.mp3", seconds=1.0, cover=True)
    result = scrub(song, MediaKind.AUDIO, "audio/mpeg", tmp_path / "clean.mp3")
    assert result.found == {"audio cover picture": "mjpeg"} and result.cleaned is not None
    with av.open(str(song)) as before, av.open(str(result.cleaned)) as after:
        assert [s.type for s in before.streams] == ["audio", "video"]
        assert [s.type for s in after.streams] == ["audio"]
    assert probe(result.cleaned, MediaKind.AUDIO, "audio/mpeg").codecs == ("mp3",)


def test_an_editor_xmp_packet_in_a_video_is_found_and_removed(media: Path, tmp_path: Path) -> None:
    video = samples.mp4_with_xmp(media / "plain.mp4", tmp_path / "xmp.mp4", "Nguyễn Văn A")
    assert probe(video, MediaKind.VIDEO, "video/mp4").duration_seconds == pytest.approx(2, abs=0.2)
    result = scrub(video, MediaKind.VIDEO, "video/mp4", tmp_path / "clean.mp4")
    assert result.found == {"video XMP creator": "Nguyễn Văn A"}
    assert result.cleaned is not None and "Nguyễn".encode() not in result.cleaned.read_bytes()
