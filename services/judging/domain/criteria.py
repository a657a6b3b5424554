"""A round's scoring criteria and the points a juror gives against them.

Pure: no I/O. Every problem is a message in Vietnamese, then " / " and English, so the judging
UI can show the half it needs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Points are typed with at most two decimals (e.g. 17.25); anything finer is a typing slip.
_DECIMALS = 2
# Float noise such as 0.1 + 0.2 must still count as two decimals.
_DECIMAL_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Criterion:
    code: str  # stable key, e.g. "content"
    name: str  # shown to jurors, e.g. "Nội dung"
    description: str
    max_points: float  # > 0
    weight: float  # > 0; the weights are shares of a 100-point total


DEFAULT_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        code="content",
        name="Nội dung",
        description=(
            "Chủ đề đúng trọng tâm cuộc thi; thông tin chính xác, khách quan; "
            "phản ánh chân thực điển hình tiên tiến, người tốt, việc tốt."
        ),
        max_points=40,
        weight=40,
    ),
    Criterion(
        code="discovery",
        name="Tính phát hiện",
        description=(
            "Phát hiện được nhân tố mới, cách làm hay, câu chuyện chưa được biết đến; "
            "góc nhìn riêng của tác giả."
        ),
        max_points=20,
        weight=20,
    ),
    Criterion(
        code="form",
        name="Hình thức thể hiện",
        description=(
            "Bố cục chặt chẽ, ngôn ngữ trong sáng; khai thác tốt thế mạnh của loại hình "
            "báo chí (chữ, âm thanh, hình ảnh)."
        ),
        max_points=20,
        weight=20,
    ),
    Criterion(
        code="social_effect",
        name="Hiệu quả xã hội",
        description=(
            "Sức lan toả trong cộng đồng; tác động tích cực, truyền cảm hứng và khả năng "
            "nhân rộng mô hình."
        ),
        max_points=20,
        weight=20,
    ),
)


def _number_vi(value: float) -> str:
    """40 → "40", 12.5 → "12,5" (Vietnamese decimal comma)."""
    return _number_en(value).replace(".", ",")


def _number_en(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if math.isfinite(value) else str(value)


def _has_at_most_two_decimals(value: float) -> bool:
    return abs(round(value, _DECIMALS) - value) <= _DECIMAL_TOLERANCE


def criteria_problems(criteria: Sequence[Criterion]) -> list[str]:
    """What makes a round's criteria unusable; empty when they are fine."""
    if not criteria:
        return ["Vòng chấm chưa có tiêu chí nào. / The round has no criteria."]
    problems: list[str] = []
    seen: set[str] = set()
    for criterion in criteria:
        code, name = criterion.code, criterion.name or criterion.code
        if not code.strip():
            problems.append(f"Tiêu chí «{name}» chưa có mã. / Criterion «{name}» has no code.")
        elif code in seen:
            problems.append(
                f"Mã tiêu chí «{code}» bị trùng. / Criterion code «{code}» is used twice."
            )
        seen.add(code)
        if not criterion.name.strip():
            problems.append(f"Tiêu chí «{code}» chưa có tên. / Criterion «{code}» has no name.")
        if not (math.isfinite(criterion.max_points) and criterion.max_points > 0):
            problems.append(
                f"Điểm tối đa của «{name}» phải lớn hơn 0. / "
                f"The maximum of «{name}» must be greater than 0."
            )
        if not (math.isfinite(criterion.weight) and criterion.weight > 0):
            problems.append(
                f"Trọng số của «{name}» phải lớn hơn 0. / "
                f"The weight of «{name}» must be greater than 0."
            )
    return problems


def points_problems(
    criteria: Sequence[Criterion],
    points: Mapping[str, float | None],
    *,
    complete: bool,
) -> list[str]:
    """What is wrong with a juror's points; empty when they can be saved.

    A draft (``complete=False``) may leave criteria empty (missing or None); a submitted score
    (``complete=True``) needs points for every criterion.
    """
    problems: list[str] = []
    known = {criterion.code for criterion in criteria}
    for criterion in criteria:
        name = criterion.name
        value = points.get(criterion.code)
        if value is None:
            if complete:
                problems.append(f"Chưa chấm điểm «{name}». / «{name}» has no points yet.")
            continue
        if not math.isfinite(value):
            problems.append(
                f"Điểm «{name}» không phải là một số. / The points for «{name}» are not a number."
            )
            continue
        if not 0 <= value <= criterion.max_points:
            problems.append(
                f"Điểm «{name}» phải từ 0 đến {_number_vi(criterion.max_points)}. / "
                f"«{name}» must be between 0 and {_number_en(criterion.max_points)}."
            )
        if not _has_at_most_two_decimals(value):
            problems.append(
                f"Điểm «{name}» chỉ được có tối đa 2 chữ số thập phân. / "
                f"The points for «{name}» may have at most 2 decimals."
            )
    for code in sorted(set(points) - known):
        problems.append(
            f"Không có tiêu chí «{code}» trong vòng chấm này. / "
            f"There is no criterion «{code}» in this round."
        )
    return problems


def weighted_total(criteria: Sequence[Criterion], points: Mapping[str, float]) -> float:
    """The 100-point total: Σ points_i / max_i × weight_i × 100 / Σ weight, to 2 decimals.

    ``points`` must hold every criterion (check with ``points_problems(complete=True)``); a
    missing one raises KeyError rather than silently counting as 0. Codes that are not
    criteria are ignored. When each weight equals its maximum and they sum to 100 (the usual
    40/20/20/20), this is the plain sum of the points.
    """
    weighted = 0.0
    weights = 0.0
    for criterion in criteria:
        weighted += points[criterion.code] / criterion.max_points * criterion.weight
        weights += criterion.weight
    if weights <= 0:
        raise ValueError("weighted_total needs at least one criterion with a positive weight")
    return round(weighted * 100 / weights, _DECIMALS)
