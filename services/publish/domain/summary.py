"""What the public page says about a contest: its phase now and how many entries arrived."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.contracts.submissions import Phase, PhaseKind

PHASE_NAMES = {
    PhaseKind.ANNOUNCEMENT: "Phát động",
    PhaseKind.SUBMISSION: "Nhận bài dự thi",
    PhaseKind.SCREENING: "Sơ loại hồ sơ",
    PhaseKind.PRELIMINARY_ROUND: "Chấm sơ khảo",
    PhaseKind.FINAL_ROUND: "Chấm chung khảo",
    PhaseKind.RESULTS: "Công bố kết quả",
    PhaseKind.CEREMONY: "Lễ trao giải",
    PhaseKind.PUBLICATION: "Tuyên truyền tác phẩm đoạt giải",
}


@dataclass(frozen=True)
class CategoryCount:
    code: str
    name: str
    entries: int


def current_phase(phases: Sequence[Phase], now: datetime) -> Phase | None:
    """The latest-starting phase that is under way now (phases may overlap)."""
    running = [p for p in phases if p.starts_at <= now <= p.ends_at]
    return max(running, key=lambda p: p.starts_at) if running else None


def count_by_category(
    categories: Sequence[tuple[str, str]], arrived: Iterable[str]
) -> list[CategoryCount]:
    counts = Counter(arrived)
    return [CategoryCount(code, name, counts.get(code, 0)) for code, name in categories]
