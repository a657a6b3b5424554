"""What stands between a draft entry and its submission, in words a contestant understands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.contracts.submissions import CategoryRules, MediaKind, Phase, PhaseKind


@dataclass(frozen=True)
class FileState:
    status: str  # awaiting_upload | verified | rejected
    kind: MediaKind | None


def submission_window(phases: Sequence[Phase]) -> Phase | None:
    return next((p for p in phases if p.kind is PhaseKind.SUBMISSION), None)


def submission_problems(
    *,
    phases: Sequence[Phase],
    rules: CategoryRules,
    files: Sequence[FileState],
    now: datetime,
) -> list[str]:
    """Every reason the entry cannot be submitted now (Vietnamese, for the contestant)."""
    problems: list[str] = []
    window = submission_window(phases)
    if window is None:
        problems.append("Cuộc thi chưa có thời gian nhận bài.")
    elif now < window.starts_at:
        problems.append("Cuộc thi chưa mở nhận bài.")
    elif now > window.ends_at:
        problems.append("Đã hết hạn nhận bài.")
    verified = [f for f in files if f.status == "verified"]
    if any(f.status == "awaiting_upload" for f in files):
        problems.append("Còn tệp chưa tải lên xong hoặc chưa được kiểm tra.")
    if not verified:
        problems.append("Bài dự thi cần ít nhất một tệp đã được kiểm tra.")
    if len(verified) > rules.max_files:
        problems.append(f"Thể loại này nhận tối đa {rules.max_files} tệp.")
    wrong = sorted({f.kind.value for f in verified if f.kind and f.kind not in rules.allowed_kinds})
    if wrong:
        problems.append("Thể loại này không nhận loại tệp: " + ", ".join(wrong) + ".")
    if rules.min_images is not None:
        images = sum(1 for f in verified if f.kind is MediaKind.IMAGE)
        if images < rules.min_images:
            problems.append(f"Bộ ảnh cần ít nhất {rules.min_images} ảnh.")
    return problems
