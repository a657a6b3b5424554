"""What a downloaded upload is, measured on a local file (runs in a worker thread)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.contracts.submissions import CategoryRules, MediaKind

from ..domain.formatting import KIND_NAMES
from ..domain.media import HEAD_BYTES, detect_media
from ..media.probe import UnreadableMedia, probe, read_document
from ..media.scrub import scrub


@dataclass
class Verdict:
    problem: str | None = None
    kind: MediaKind | None = None
    media_type: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    identifying: dict[str, Any] = field(default_factory=dict)
    keep: Path | None = None  # the file to store: the upload, or its cleaned copy
    keep_sha256: str | None = None
    keep_size: int | None = None
    reading_copy: Path | None = None  # a text's body as UTF-8 plain text, paragraphs kept


@dataclass(frozen=True)
class Expected:
    size: int
    sha256: str
    role: str
    rules: CategoryRules


def inspect_upload(local: Path, digest: str, size: int, expected: Expected, work: Path) -> Verdict:
    if size != expected.size:
        return Verdict(
            problem=f"Kích thước tệp nhận được ({size} byte) khác với khai báo "
            f"({expected.size} byte)."
        )
    if digest != expected.sha256:
        return Verdict(
            problem="Mã SHA-256 không khớp: tệp đã bị hỏng hoặc bị thay đổi trong khi tải lên."
        )
    with local.open("rb") as handle:
        detected = detect_media(handle.read(HEAD_BYTES))
    if detected is None:
        return Verdict(
            problem="Không nhận ra loại tệp, hoặc đây không phải loại tệp cuộc thi nhận "
            "(đã kiểm tra nội dung tệp, không dựa vào tên tệp)."
        )
    allowed = (MediaKind.TEXT,) if expected.role == "translation" else expected.rules.allowed_kinds
    if detected.kind not in allowed:
        accepted = ", ".join(KIND_NAMES[k] for k in allowed)
        return Verdict(
            problem=f"Tệp là {KIND_NAMES[detected.kind]}, nhưng ở đây chỉ nhận: {accepted}."
        )
    reading_copy = None
    try:
        if detected.kind is MediaKind.TEXT:
            reading = read_document(local, detected.media_type, reading_copy=True)
            facts = reading.facts
            reading_copy = _write_reading_copy(reading.text, work / "reading-copy.txt")
        else:
            facts = probe(local, detected.kind, detected.media_type)
    except UnreadableMedia as error:
        return Verdict(problem=error.reason)
    scrubbed = scrub(local, detected.kind, detected.media_type, work / "cleaned")
    keep = scrubbed.cleaned or local
    if scrubbed.cleaned is None:
        keep_sha256, keep_size = digest, size
    else:
        keep_sha256, keep_size = _digest(keep)
    return Verdict(
        kind=detected.kind,
        media_type=detected.media_type,
        facts=facts.as_json(),
        identifying={
            "found": dict(scrubbed.found),
            "remaining": list(scrubbed.remaining),
            "stripped": scrubbed.cleaned is not None,
        },
        keep=keep,
        keep_sha256=keep_sha256,
        keep_size=keep_size,
        reading_copy=reading_copy,
    )


def _write_reading_copy(text: str | None, target: Path) -> Path | None:
    """None when there is nothing to read (a scan without a text layer, .doc, .rtf): judging
    then offers the original file alone."""
    if not text:
        return None
    target.write_bytes(text.encode("utf-8", "replace"))
    return target


def _digest(path: Path) -> tuple[str, int]:
    hasher = hashlib.sha256()
    total = 0
    with path.open("rb") as handle:
        while block := handle.read(8 * 1024 * 1024):
            hasher.update(block)
            total += len(block)
    return hasher.hexdigest(), total
