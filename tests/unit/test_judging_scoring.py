"""A round's criteria and a juror's points: what is refused, and the weighted 100-point total."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.judging.domain.criteria import (
    DEFAULT_CRITERIA,
    Criterion,
    criteria_problems,
    points_problems,
    weighted_total,
)

CONTENT = "content"


def crit(code: str, max_points: float, weight: float, name: str | None = None) -> Criterion:
    return Criterion(code, name or code.title(), "", max_points, weight)


# --- the default criteria --------------------------------------------------------------------


def test_default_criteria_are_the_usual_forty_twenty_twenty_twenty() -> None:
    assert [(c.name, c.max_points, c.weight) for c in DEFAULT_CRITERIA] == [
        ("Nội dung", 40, 40),
        ("Tính phát hiện", 20, 20),
        ("Hình thức thể hiện", 20, 20),
        ("Hiệu quả xã hội", 20, 20),
    ]
    assert all(c.description for c in DEFAULT_CRITERIA)
    assert criteria_problems(DEFAULT_CRITERIA) == []


# --- criteria_problems -------------------------------------------------------------------------


def test_a_round_needs_criteria() -> None:
    assert criteria_problems([]) == ["Vòng chấm chưa có tiêu chí nào. / The round has no criteria."]


def test_bad_criteria_are_each_named() -> None:
    problems = criteria_problems(
        [
            crit("content", 40, 40, "Nội dung"),
            crit("content", 20, 20, "Nội dung 2"),
            crit("form", 0, 20, "Hình thức"),
            crit("effect", 20, -1, "Hiệu quả"),
            crit("odd", math.nan, math.inf, "Lạ"),
        ]
    )
    assert problems == [
        "Mã tiêu chí «content» bị trùng. / Criterion code «content» is used twice.",
        "Điểm tối đa của «Hình thức» phải lớn hơn 0. / "
        "The maximum of «Hình thức» must be greater than 0.",
        "Trọng số của «Hiệu quả» phải lớn hơn 0. / "
        "The weight of «Hiệu quả» must be greater than 0.",
        "Điểm tối đa của «Lạ» phải lớn hơn 0. / The maximum of «Lạ» must be greater than 0.",
        "Trọng số của «Lạ» phải lớn hơn 0. / The weight of «Lạ» must be greater than 0.",
    ]


def test_a_criterion_needs_a_code_and_a_name() -> None:
    problems = criteria_problems([Criterion(" ", "Nội dung", "", 40, 40), crit("x", 5, 5, " ")])
    assert problems == [
        "Tiêu chí «Nội dung» chưa có mã. / Criterion «Nội dung» has no code.",
        "Tiêu chí «x» chưa có tên. / Criterion «x» has no name.",
    ]


# --- points_problems ---------------------------------------------------------------------------

FULL = {"content": 32.0, "discovery": 15.5, "form": 17.0, "social_effect": 16.25}


def test_full_points_within_the_maxima_are_accepted() -> None:
    assert points_problems(DEFAULT_CRITERIA, FULL, complete=True) == []


def test_points_above_the_maximum_name_the_criterion_and_its_maximum() -> None:
    problems = points_problems(DEFAULT_CRITERIA, {**FULL, CONTENT: 41}, complete=True)
    assert problems == ["Điểm «Nội dung» phải từ 0 đến 40. / «Nội dung» must be between 0 and 40."]
    assert points_problems(DEFAULT_CRITERIA, {**FULL, CONTENT: 40}, complete=True) == []


def test_negative_points_are_refused() -> None:
    problems = points_problems(DEFAULT_CRITERIA, {"form": -0.5}, complete=False)
    assert problems == [
        "Điểm «Hình thức thể hiện» phải từ 0 đến 20. / "
        "«Hình thức thể hiện» must be between 0 and 20."
    ]


def test_a_decimal_maximum_is_written_the_vietnamese_way_in_vietnamese() -> None:
    criteria = [crit("style", 12.5, 10, "Văn phong")]
    assert points_problems(criteria, {"style": 13}, complete=True) == [
        "Điểm «Văn phong» phải từ 0 đến 12,5. / «Văn phong» must be between 0 and 12.5."
    ]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_points_that_are_not_numbers_are_refused(value: float) -> None:
    problems = points_problems(DEFAULT_CRITERIA, {**FULL, CONTENT: value}, complete=True)
    assert problems == [
        "Điểm «Nội dung» không phải là một số. / The points for «Nội dung» are not a number."
    ]


@pytest.mark.parametrize("value", [12.25, 12.5, 12, 0.1 + 0.2, 39.99])
def test_two_decimals_are_fine(value: float) -> None:
    assert points_problems(DEFAULT_CRITERIA, {CONTENT: value}, complete=False) == []


@pytest.mark.parametrize("value", [12.345, 0.001, 33.3333])
def test_more_than_two_decimals_are_refused(value: float) -> None:
    assert points_problems(DEFAULT_CRITERIA, {CONTENT: value}, complete=False) == [
        "Điểm «Nội dung» chỉ được có tối đa 2 chữ số thập phân. / "
        "The points for «Nội dung» may have at most 2 decimals."
    ]


def test_an_unknown_criterion_is_refused() -> None:
    problems = points_problems(DEFAULT_CRITERIA, {**FULL, "bonus": 5}, complete=True)
    assert problems == [
        "Không có tiêu chí «bonus» trong vòng chấm này. / There is no criterion «bonus» in this "
        "round."
    ]


def test_a_draft_may_leave_criteria_empty_but_a_submission_may_not() -> None:
    draft = {CONTENT: 30.0, "discovery": None}
    assert points_problems(DEFAULT_CRITERIA, draft, complete=False) == []
    assert points_problems(DEFAULT_CRITERIA, draft, complete=True) == [
        "Chưa chấm điểm «Tính phát hiện». / «Tính phát hiện» has no points yet.",
        "Chưa chấm điểm «Hình thức thể hiện». / «Hình thức thể hiện» has no points yet.",
        "Chưa chấm điểm «Hiệu quả xã hội». / «Hiệu quả xã hội» has no points yet.",
    ]


# --- weighted_total ----------------------------------------------------------------------------


def test_with_the_default_criteria_the_total_is_the_plain_sum() -> None:
    assert weighted_total(DEFAULT_CRITERIA, FULL) == 80.75  # 32 + 15.5 + 17 + 16.25


def test_weights_reshape_points_given_on_other_scales() -> None:
    # Both out of 10; content weighs 60 %, form 40 %: 8/10 × 60 + 5/10 × 40 = 68.
    criteria = [crit("content", 10, 60), crit("form", 10, 40)]
    assert weighted_total(criteria, {"content": 8, "form": 5}) == 68.0


def test_weights_need_not_sum_to_one_hundred() -> None:
    # (5/10 × 3 + 20/20 × 1) × 100 / 4 = 2.5 × 25 = 62.5
    criteria = [crit("a", 10, 3), crit("b", 20, 1)]
    assert weighted_total(criteria, {"a": 5, "b": 20}) == 62.5


def test_the_total_is_rounded_to_two_decimals() -> None:
    assert weighted_total([crit("a", 3, 1)], {"a": 1}) == 33.33  # 1/3 of 100
    assert weighted_total([crit("a", 3, 1)], {"a": 2}) == 66.67


def test_extra_codes_are_ignored_and_a_missing_one_is_an_error() -> None:
    criteria = [crit("a", 10, 1)]
    assert weighted_total(criteria, {"a": 10, "other": 3}) == 100.0
    with pytest.raises(KeyError):
        weighted_total(criteria, {"other": 3})


@st.composite
def default_points(draw: st.DrawFn) -> dict[str, float]:
    """A valid sheet: whole hundredths from 0 to each maximum."""
    return {
        c.code: draw(st.integers(min_value=0, max_value=int(c.max_points * 100))) / 100
        for c in DEFAULT_CRITERIA
    }


@given(default_points())
def test_default_total_equals_the_sum_for_any_valid_sheet(points: dict[str, float]) -> None:
    assert points_problems(DEFAULT_CRITERIA, points, complete=True) == []
    assert weighted_total(DEFAULT_CRITERIA, points) == round(sum(points.values()), 2)


@st.composite
def criteria_and_points(draw: st.DrawFn) -> tuple[list[Criterion], dict[str, float]]:
    count = draw(st.integers(min_value=1, max_value=6))
    criteria = [
        crit(
            f"c{i}",
            draw(st.integers(min_value=1, max_value=100)),
            draw(st.floats(min_value=0.5, max_value=100, allow_nan=False)),
        )
        for i in range(count)
    ]
    points = {c.code: draw(st.floats(min_value=0, max_value=c.max_points)) for c in criteria}
    return criteria, points


@given(criteria_and_points())
def test_any_total_is_on_the_hundred_point_scale(
    case: tuple[list[Criterion], dict[str, float]],
) -> None:
    criteria, points = case
    total = weighted_total(criteria, points)
    assert 0 <= total <= 100
    full = {c.code: c.max_points for c in criteria}
    assert weighted_total(criteria, full) == 100.0
    assert weighted_total(criteria, dict.fromkeys(full, 0.0)) == 0.0
