"""Measuring uploads and stripping what names their author, on real files made on the fly."""

from __future__ import annotations

import hashlib
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
    read_document,
)
from services.submissions.media.reading_copy import READING_COPY_MAX_BYTES, ReadingCopy
from services.submissions.media.scrub import Scrubbed, scrub
from services.submissions.verification.measure import Expected, Verdict, inspect_upload
from shared.contracts.submissions import CategoryRules, MediaKind
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


# --- reading copies of texts -----------------------------------------------------------------

PEOPLE = ("Nguyễn Văn A", "Trần Thị B", "Lê C", "Phạm D", "Báo Lạng Sơn", "NVA")


def reading(path: Path, media_type: str) -> tuple[int | None, str]:
    """The word count and the reading copy, from the one pass that makes both."""
    result = read_document(path, media_type, reading_copy=True)
    assert result.text is not None
    assert result.facts == probe(path, MediaKind.TEXT, media_type)  # the copy changes no fact
    return result.facts.words, result.text


def test_a_word_files_reading_copy_has_its_paragraphs_and_no_metadata(tmp_path: Path) -> None:
    path = samples.docx(
        tmp_path / "bai.docx",
        [HEADLINE, "Xuân về trên xứ Lạng & <Mẫu Sơn>."],
        creator="Nguyễn Văn A",
        last_modified_by="Trần Thị B",
        comment_author="Lê C",
        revision_author="Phạm D",
    )
    words, text = reading(path, DOCX)
    # Runs split mid-word join up again; the tab before the tracked insertion is a space; the
    # tracked deletion is gone.
    assert text == f"{HEADLINE} thêm\n\nXuân về trên xứ Lạng & <Mẫu Sơn>.\n"
    assert count_words(text) == words == 7 + 1 + 7  # "&" is no word
    assert not [person for person in PEOPLE if person in text]
    assert "Bài dự thi" not in text and "chữ đã xoá" not in text  # title property, deletion


def test_a_word_files_breaks_text_boxes_and_tables_read_as_paragraphs(tmp_path: Path) -> None:
    box = "<w:txbxContent><w:p><w:r><w:t>Hộp chữ</w:t></w:r></w:p></w:txbxContent>"
    document = (
        f'<w:document xmlns:w="{samples.W}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>'
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
        "<w:r><w:t>Dòng một</w:t><w:br/><w:t>dòng hai</w:t><w:tab/><w:t>cột</w:t></w:r>"
        "<w:r><w:br/><w:br/><w:t>sau hai lần xuống dòng</w:t></w:r></w:p>"
        '<w:p/><w:p><w:r><w:t xml:space="preserve">   </w:t></w:r></w:p>'
        f"<w:p><w:r><mc:AlternateContent><mc:Choice Requires='wps'>{box}</mc:Choice>"
        f"<mc:Fallback>{box}</mc:Fallback></mc:AlternateContent></w:r>"
        "<w:r><w:t>Hết</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Ô một</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>Ô hai</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "</w:body></w:document>"
    )
    path = samples.docx_with_document_xml(tmp_path / "hop.docx", document.encode())
    words, text = reading(path, DOCX)
    assert text == (
        "Dòng một\ndòng hai cột\n\nsau hai lần xuống dòng\n\nHộp chữ\n\nHết\n\nÔ một\n\nÔ hai\n"
    )
    assert count_words(text) == words == 17


def test_an_odt_reading_copy_keeps_headings_and_drops_comments_and_notes(tmp_path: Path) -> None:
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="{office}" '
        f'xmlns:text="{text_ns}" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:body>'
        '<office:text><text:h text:outline-level="1">Người gác rừng</text:h>'
        "<text:p>Ông Páo<office:annotation><dc:creator>Nguyễn Văn A</dc:creator>"
        '<text:p>sửa lại</text:p></office:annotation> giữ rừng<text:s text:c="3"/>ba mươi năm'
        "<text:note><text:note-body><text:p>Chú thích của Lê C</text:p></text:note-body>"
        "</text:note>.<text:line-break/>Xã Mẫu Sơn<text:tab/>2025</text:p>"
        "<text:list><text:list-item><text:p>Một ý</text:p></text:list-item></text:list>"
        "</office:text></office:body></office:document-content>"
    )
    path = tmp_path / "bai.odt"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", ODT, zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
    words, text = reading(path, ODT)
    assert text == "Người gác rừng\n\nÔng Páo giữ rừng ba mươi năm.\nXã Mẫu Sơn 2025\n\nMột ý\n"
    assert count_words(text) == words == 16
    assert "Nguyễn Văn A" not in text and "Lê C" not in text


def test_an_odts_sample_copy_has_no_creator(tmp_path: Path) -> None:
    path = samples.odt(tmp_path / "bai.odt", [HEADLINE, "Xuân về"], creator="Nguyễn Văn A")
    words, text = reading(path, ODT)
    assert text == f"Ghi chú\n\n{HEADLINE}\n\nXuân về\n"  # the comment's text is not there
    assert words == count_words(text) and "Nguyễn Văn A" not in text


def test_a_pdfs_pages_are_paragraphs_and_its_author_is_not_in_the_copy(tmp_path: Path) -> None:
    path = samples.pdf_with_text(
        tmp_path / "bai.pdf",
        [HEADLINE + "\nhai dòng", "Trang 2 của bài"],
        author="Nguyễn Văn A",
        xmp_creator="Nguyễn Văn A",
    )
    words, text = reading(path, PDF)
    assert text == f"{HEADLINE}\nhai dòng\n\nTrang 2 của bài\n"
    assert count_words(text) == words == 7 + 2 + 4
    assert "Nguyễn Văn A" not in text and "Bài dự thi" not in text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_plain_text_is_read_in_utf8_or_utf16_with_its_byte_order_mark(
    tmp_path: Path, encoding: str
) -> None:
    written = f"{HEADLINE}\r\ncâu thứ hai\r\n\r\n\r\n  Đoạn   hai\t(2025)  \n\n"
    bom = {"utf-16-le": "\ufeff", "utf-16-be": "\ufeff"}.get(encoding, "")
    path = tmp_path / "bai.txt"
    path.write_bytes((bom + written).encode(encoding))
    words, text = reading(path, "text/plain")
    assert text == f"{HEADLINE}\ncâu thứ hai\n\nĐoạn hai (2025)\n"
    assert words == count_words(text) == 13
    assert text.encode("utf-8").decode("utf-8") == text


@given(
    st.text(alphabet="ạb \r\n\t\f\u2029–"),
    st.lists(st.integers(0, 60), max_size=8),
)
def test_plain_text_read_in_pieces_is_read_as_a_whole(text: str, cuts: list[int]) -> None:
    whole = ReadingCopy()
    whole.plain(text)
    pieces = ReadingCopy()
    position = 0
    for cut in sorted(c for c in cuts if c <= len(text)):
        pieces.plain(text[position:cut])  # a "\r\n" may be split between two pieces
        position = cut
    pieces.plain(text[position:])
    copy = whole.result()
    assert pieces.result() == copy
    assert "\n\n\n" not in copy and not copy.startswith("\n")
    assert copy.split() == [t for t in text.split() if t]  # every word, in order, no more


def test_a_reading_copy_stops_at_its_size_limit_on_a_space() -> None:
    copy = ReadingCopy(max_bytes=40)
    for paragraph in ("Người tốt", "việc tốt ở Lạng Sơn lan toả", "khắp bản làng"):
        copy.text(paragraph)
        copy.paragraph()
    assert copy.result() == "Người tốt\n\nviệc tốt ở Lạng\n"  # 38 bytes; "Sơn" would not fit
    assert copy.truncated


@pytest.mark.parametrize("limit", range(0, 70))
def test_a_cut_copy_is_within_its_limit_and_ends_on_a_whole_word(limit: int) -> None:
    paragraphs = ["Người tốt", "việc tốt ở Lạng Sơn", "lan toả khắp bản làng"]
    copy = ReadingCopy(max_bytes=limit)
    for paragraph in paragraphs:
        copy.text(paragraph)
        copy.paragraph()
    text = copy.result()
    assert len(text.encode("utf-8")) <= limit
    kept = text.split()
    assert kept == " ".join(paragraphs).split()[: len(kept)]  # whole words, from the start
    assert copy.truncated == (kept != " ".join(paragraphs).split())


def test_a_huge_text_is_counted_whole_but_copied_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "dai.txt"
    line = HEADLINE + "\n\n"
    repeats = READING_COPY_MAX_BYTES // len(line.encode()) + 1000
    path.write_text(line * repeats, encoding="utf-8")
    words, text = reading(path, "text/plain")
    assert words == 7 * repeats  # the count is of the whole file
    size = len(text.encode("utf-8"))
    assert READING_COPY_MAX_BYTES - len(line.encode()) < size <= READING_COPY_MAX_BYTES
    kept = text.split()
    assert kept == (HEADLINE.split() * repeats)[: len(kept)]  # whole words, from the start


def test_word_97_and_rtf_have_no_reading_copy(tmp_path: Path) -> None:
    doc = tmp_path / "bai.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    assert read_document(doc, "application/msword", reading_copy=True).text is None


def test_a_cut_document_gets_no_copy_but_a_reason(tmp_path: Path) -> None:
    whole = samples.docx(tmp_path / "bai.docx", [HEADLINE] * 50)
    cut = samples.truncated(whole, tmp_path / "cut.docx", 0.8)
    with pytest.raises(UnreadableMedia, match="bị hỏng"):
        read_document(cut, DOCX, reading_copy=True)


def _expected(path: Path) -> Expected:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    rules = CategoryRules(
        allowed_kinds=(MediaKind.TEXT, MediaKind.IMAGE), max_files=3, max_file_bytes=50 << 20
    )
    return Expected(size=path.stat().st_size, sha256=digest, role="work", rules=rules)


def _inspect(path: Path, work: Path) -> Verdict:
    expected = _expected(path)
    work.mkdir()
    return inspect_upload(path, expected.sha256, expected.size, expected, work)


def test_the_verifier_writes_a_texts_reading_copy_beside_its_cleaned_copy(tmp_path: Path) -> None:
    upload = samples.docx(tmp_path / "bai.docx", [HEADLINE, "Đoạn hai."], creator="Nguyễn Văn A")
    verdict = _inspect(upload, tmp_path / "work")
    assert verdict.problem is None and verdict.keep != upload  # the author was stripped
    assert verdict.reading_copy is not None
    assert verdict.reading_copy.read_bytes() == f"{HEADLINE}\n\nĐoạn hai.\n".encode()
    assert verdict.facts == {"words": 9}


def test_the_verifier_makes_no_copy_of_an_image_or_of_a_text_without_words(
    tmp_path: Path,
) -> None:
    photo = samples.jpeg_with_exif(tmp_path / "anh.jpg")
    assert _inspect(photo, tmp_path / "work1").reading_copy is None
    scan = samples.pdf_with_text(tmp_path / "scan.pdf", "")  # a scan: no text layer
    verdict = _inspect(scan, tmp_path / "work2")
    assert verdict.problem is None and verdict.facts == {"words": 0, "pages": 1}
    assert verdict.reading_copy is None
