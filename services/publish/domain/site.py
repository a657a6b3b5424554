"""What the public may see of a winning work: pure rules shared by the pages, the feeds, the
press kits and the outlets. No I/O here."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

# Tiers as Vietnamese contests name them, best first; anything else sorts after C, before KK.
TIER_ORDER = {"DB": 0, "ĐB": 0, "NHAT": 1, "A": 1, "NHI": 2, "B": 2, "BA": 3, "C": 3, "KK": 9}
OTHER_TIER = 5

# Submitted file kinds (submissions' MediaKind) to what outlets and pages call them.
FILE_KINDS = {"text": "text", "audio": "audio", "video": "video", "image": "photo"}

EXTENSIONS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/msword": "doc",
    "application/vnd.oasis.opendocument.text": "odt",
    "text/plain": "txt",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "audio/aac": "aac",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/ogg": "ogg",
    "audio/flac": "flac",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/x-matroska": "mkv",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/tiff": "tif",
}

NOT_REPUBLISHED = (
    "Tác giả chưa đồng ý cho đăng lại toàn văn tác phẩm; chỉ công bố tên tác phẩm, "
    "tác giả và giải thưởng."
)
USAGE_TERMS = (
    "Tác phẩm đoạt giải được tác giả đồng ý cho các cơ quan báo chí, đài truyền thanh cơ sở "
    "đăng lại miễn phí với điều kiện ghi rõ tên tác giả và nguồn: cuộc thi {contest}. "
    "Republication is free with the authors' names and the contest credited."
)


def tier_order(tier_code: str) -> int:
    return TIER_ORDER.get(tier_code.strip().upper(), OTHER_TIER)


def file_kind(media_kind: str) -> str:
    return FILE_KINDS.get(media_kind, "document")


def extension(media_type: str) -> str:
    base = media_type.split(";")[0].strip().lower()
    if base in EXTENSIONS:
        return EXTENSIONS[base]
    sub = base.split("/")[-1]
    return re.sub(r"[^a-z0-9]", "", sub)[:5] or "bin"


def download_name(code: str, number: int, media_type: str) -> str:
    """The name a file is offered under: the work's code, never the contestant's file name."""
    return f"{code}-{number}.{extension(media_type)}"


def public_author(author: Mapping[str, Any]) -> dict[str, str]:
    """What may be shown of an author: the name, pen name and organisation; no contact."""
    return {
        "full_name": str(author.get("full_name", "")).strip(),
        "pen_name": str(author.get("pen_name", "") or "").strip(),
        "organisation": str(author.get("organisation", "") or "").strip(),
    }


def credit_line(author: Mapping[str, Any]) -> str:
    """ "Nguyễn Văn A (bút danh Hoài An, Báo Lạng Sơn)" as printed under the work."""
    a = public_author(author)
    extras = [f"bút danh {a['pen_name']}"] if a["pen_name"] else []
    if a["organisation"]:
        extras.append(a["organisation"])
    return a["full_name"] + (f" ({', '.join(extras)})" if extras else "")


def paragraphs(text: str | None) -> list[str]:
    """A reading copy's paragraphs: separated by blank lines, or by single line breaks when
    the text has no blank line at all."""
    if not text:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    parts = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    return [re.sub(r"\s*\n\s*", " ", p).strip() for p in parts if p.strip()]


def content_hash(winner_json: Mapping[str, Any]) -> str:
    """A fingerprint of what judging sent of one winner (key order does not matter)."""
    data = json.dumps(winner_json, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def fold(text: str) -> str:
    """Lower case without diacritics (đ → d), for matching what people type."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def slugify(text: str, limit: int = 80) -> str:
    """An ASCII slug of a Vietnamese title: "Tin mới nhất" → "tin-moi-nhat"."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:limit].rstrip("-") or "tin"


@dataclass(frozen=True)
class MediaFile:
    number: int  # 1-based, in the order the work was submitted; /media/{code}/{number}
    kind: str  # text | audio | video | photo | document
    media_type: str
    size_bytes: int
    object_key: str
    download_name: str
    text_key: str | None = None
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class WorkRecord:
    """A winning work as the public side reads it (built from the winners table)."""

    entry_id: str
    code: str
    title: str
    contest_id: str
    contest_code: str
    contest_title: str
    category_code: str
    category_name: str
    tier_code: str
    tier_name: str
    prize_vnd: int
    language: str
    synopsis: str
    authors: tuple[dict[str, str], ...]
    exemplars: tuple[dict[str, Any], ...]
    district: str
    publication: dict[str, Any] | None
    consent: bool
    files: tuple[MediaFile, ...]
    body_text: str | None
    approved_at: datetime
    updated_at: datetime
    retracted_at: datetime | None = None
    retraction_reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def public(self) -> bool:
        """May the whole work be shown (text, media, press kit)?"""
        return self.consent and self.retracted_at is None

    @property
    def credits(self) -> tuple[str, ...]:
        return tuple(credit_line(a) for a in self.authors)

    @property
    def byline(self) -> str:
        return ", ".join(self.credits)

    @property
    def exemplar_names(self) -> tuple[str, ...]:
        return tuple(str(e.get("name", "")) for e in self.exemplars if e.get("name"))

    @property
    def photos(self) -> tuple[MediaFile, ...]:
        return tuple(f for f in self.files if f.kind == "photo")

    @property
    def news_type(self) -> str:
        """ninjs's type of the work: what its media make of it."""
        kinds = {f.kind for f in self.files} - {"document"}
        media = kinds - {"text"}
        if not media:
            return "text"
        if len(kinds) == 1:
            return {"audio": "audio", "video": "video", "photo": "picture"}[media.pop()]
        return "composite"


def redacted(work: WorkRecord) -> WorkRecord:
    """What the public may know of a work: without the authors' consent to republication,
    only its title, authors, category and tier (no synopsis, exemplar, place, files, text)."""
    if work.consent:
        return work
    return replace(
        work,
        synopsis="",
        exemplars=(),
        district="",
        publication=None,
        files=(),
        body_text=None,
    )


def media_files(code: str, files: Sequence[Mapping[str, Any]]) -> tuple[MediaFile, ...]:
    return tuple(
        MediaFile(
            number=i,
            kind=str(f["kind"]),
            media_type=str(f["media_type"]),
            size_bytes=int(f["size_bytes"]),
            object_key=str(f["object_key"]),
            download_name=str(f.get("download_name") or download_name(code, i, f["media_type"])),
            text_key=f.get("text_key"),
            duration_s=f.get("duration_s"),
            width=f.get("width"),
            height=f.get("height"),
        )
        for i, f in enumerate(files, start=1)
    )


@dataclass(frozen=True)
class TierGroup:
    tier_code: str
    tier_name: str
    works: tuple[WorkRecord, ...]


@dataclass(frozen=True)
class CategoryGroup:
    category_code: str
    category_name: str
    tiers: tuple[TierGroup, ...]


def gallery(works: Iterable[WorkRecord], category_order: Sequence[str] = ()) -> list[CategoryGroup]:
    """Winners grouped by category (the contest's order, then by code), then by tier (best
    first); works keep the order they come in. Retracted works are left out."""
    by_category: dict[str, list[WorkRecord]] = {}
    for w in works:
        if w.retracted_at is None:
            by_category.setdefault(w.category_code, []).append(w)
    rank = {code: i for i, code in enumerate(category_order)}
    groups = []
    for code in sorted(by_category, key=lambda c: (rank.get(c, len(rank)), c)):
        items = by_category[code]
        tiers: dict[str, list[WorkRecord]] = {}
        for w in items:
            tiers.setdefault(w.tier_code, []).append(w)
        ordered = sorted(tiers, key=lambda t: (tier_order(t), t))
        groups.append(
            CategoryGroup(
                category_code=code,
                category_name=items[0].category_name,
                tiers=tuple(TierGroup(t, tiers[t][0].tier_name, tuple(tiers[t])) for t in ordered),
            )
        )
    return groups


def description(work: WorkRecord, limit: int = 200) -> str:
    """A sentence for Open Graph and feeds: the synopsis, else the tier and authors."""
    text = work.synopsis.strip() or f"{work.tier_name} — {work.category_name}. {work.byline}"
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def vnd(amount: int) -> str:
    """10000000 → "10.000.000 đ"."""
    return f"{amount:,}".replace(",", ".") + " đ"
