"""What a winner's press kit holds: the ninjs item, the text, the media files, the credits and
a README. No I/O: the names and texts of the members; the route streams the files."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .site import USAGE_TERMS, WorkRecord, paragraphs, vnd


@dataclass(frozen=True)
class Member:
    name: str  # the path inside the ZIP
    data: bytes | None = None  # written as is
    object_key: str | None = None  # streamed from storage


def credits_text(work: WorkRecord) -> str:
    lines = [
        f"{work.title}",
        "",
        f"Tác giả / Authors: {work.byline}",
        f"Giải / Award: {work.tier_name} — {work.category_name}",
        f"Cuộc thi / Contest: {work.contest_title}",
    ]
    if work.prize_vnd:
        lines.append(f"Giá trị giải / Prize: {vnd(work.prize_vnd)}")
    if work.exemplar_names:
        lines.append(f"Gương điển hình / Exemplar: {', '.join(work.exemplar_names)}")
    if work.district:
        lines.append(f"Địa bàn / District: {work.district}")
    if work.publication and work.publication.get("outlet"):
        where = work.publication["outlet"]
        if work.publication.get("url"):
            where += f" ({work.publication['url']})"
        lines.append(f"Đăng lần đầu / First published: {where}")
    lines += [
        "",
        "Điều kiện sử dụng / Usage terms:",
        USAGE_TERMS.format(contest=work.contest_title),
    ]
    return "\n".join(lines) + "\n"


def readme_text(work: WorkRecord, page_url: str, members: list[str]) -> str:
    lines = [
        f"Bộ tư liệu báo chí — {work.code}: {work.title}",
        f"Press kit — {work.code}: {work.title}",
        "",
        f"Trang tác phẩm / Work page: {page_url}",
        "",
        "Gồm / Contents:",
        *(f"  - {m}" for m in members),
        "",
        "ninjs.json: bản tin IPTC ninjs 3.0 (tiêu đề, tác giả, gương điển hình, tệp).",
        "ninjs.json: the IPTC ninjs 3.0 item (headline, authors, exemplar, files).",
        "CREDITS.txt: ghi nguồn bắt buộc khi đăng lại / the credit line to print.",
    ]
    return "\n".join(lines) + "\n"


def members(work: WorkRecord, item: Mapping[str, Any], page_url: str) -> list[Member]:
    """The ZIP's members in order; the README last, listing the others."""
    found = [Member("ninjs.json", json.dumps(item, ensure_ascii=False, indent=2).encode())]
    text = "\n\n".join(paragraphs(work.body_text))
    if text:
        body = f"{work.title}\n\n{work.byline}\n\n{text}\n"
        found.append(Member(f"{work.code}.txt", body.encode("utf-8")))
    for f in work.files:
        found.append(Member(f"media/{f.download_name}", object_key=f.object_key))
    found.append(Member("CREDITS.txt", credits_text(work).encode("utf-8")))
    names = [m.name for m in found] + ["README.txt"]
    found.append(Member("README.txt", readme_text(work, page_url, names).encode("utf-8")))
    return found
