"""Form posts turned into the API's pydantic models, and what is wrong with them into messages
next to the fields (Vietnamese first, English when asked)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from starlette.datastructures import FormData
from starlette.requests import Request

from shared.errors import ApiError
from shared.pages.i18n import Translator
from shared.pages.rendering import VIETNAM_TZ

M = TypeVar("M", bound=BaseModel)
FormValues = dict[str, str]
FieldNamer = Callable[[tuple[int | str, ...]], str]
MOMENT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")


class FormInvalid(Exception):
    """What is wrong with a form: field name → message ("" for the form as a whole)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = dict(errors)


def form_values(form: FormData) -> FormValues:
    """What the person typed, to show again if the form comes back."""
    return {k: v for k, v in form.items() if isinstance(v, str)}


def parse_number(text: str) -> float | None:
    """``17,5`` or ``17.5`` → 17.5; empty → None; anything else → NaN, which the scoring
    rules report as "not a number" in their own words."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def parse_moment(text: str, tz: str = VIETNAM_TZ) -> datetime | None:
    """A moment typed in Vietnam's time (``2026-12-31T17:00`` from a datetime-local field, or
    ``31/12/2026 17:00``), as an aware datetime; None if unreadable."""
    text = text.strip()
    for pattern in MOMENT_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=ZoneInfo(tz))
        except ValueError:
            continue
    return None


def moment_value(value: datetime | None, tz: str = VIETNAM_TZ) -> str:
    """An aware datetime as a datetime-local field holds it, in Vietnam's time."""
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M") if value else ""


def _default_name(loc: tuple[int | str, ...]) -> str:
    return str(loc[0]) if loc else ""


def _message(error: ErrorDetails, t: Translator) -> str:
    _ = t.gettext
    kind, ctx = error["type"], error.get("ctx") or {}
    empty = kind == "string_too_short" and not str(error.get("input", "")).strip()
    if kind == "missing" or empty:
        return _("Vui lòng điền mục này.")
    if kind == "string_too_short":
        return _("Cần ít nhất %(n)s ký tự.", n=ctx.get("min_length"))
    if kind == "string_too_long":
        return _("Tối đa %(n)s ký tự.", n=ctx.get("max_length"))
    if kind in ("value_error", "string_type") and "email" in str(error.get("loc", ())):
        return _("Địa chỉ e-mail không hợp lệ.")
    if kind in ("int_parsing", "int_from_float"):
        return _("Hãy nhập một số nguyên.")
    if kind in ("float_parsing", "float_type"):
        return _("Hãy nhập một số.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Cần từ %(n)s trở lên.", n=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("Tối đa là %(n)s.", n=ctx.get("le", ctx.get("lt")))
    if kind in ("enum", "literal_error"):
        return _("Hãy chọn một giá trị trong danh sách.")
    if kind.startswith("datetime") or kind == "timezone_aware":
        return _("Thời điểm không hợp lệ; hãy ghi theo dạng dd/mm/yyyy HH:MM.")
    if kind == "string_pattern_mismatch":
        return _("Chỉ dùng chữ thường không dấu, số và dấu gạch dưới, bắt đầu bằng một chữ.")
    return _("Giá trị không hợp lệ.")


def validate(
    model: type[M],
    data: Mapping[str, Any],
    t: Translator,
    name_of: FieldNamer = _default_name,
    errors: Mapping[str, str] | None = None,
) -> M:
    """The model, or FormInvalid with one message per field (the first problem found)."""
    found = dict(errors or {})
    try:
        result = model.model_validate(data)
    except ValidationError as error:
        for detail in error.errors():
            found.setdefault(name_of(tuple(detail["loc"])), _message(detail, t))
        raise FormInvalid(found) from error
    if found:
        raise FormInvalid(found)
    return result


def problem_of(problem: FormInvalid | ApiError) -> tuple[dict[str, str], str | None, list[str]]:
    """Field errors, the alert and its list of problems, for the page to show again."""
    if isinstance(problem, FormInvalid):
        return problem.errors, None, []
    return {}, problem.message, problem.problems


def form_state(
    request: Request, values: FormValues | None, problem: FormInvalid | ApiError | None
) -> dict[str, Any]:
    """What every form page shows again: the typed values (``v``), the field errors (``e``),
    the alert with its problems, and the notice of the step just done (``?done=…``)."""
    errors, alert, problems = problem_of(problem) if problem else ({}, None, [])
    return {
        "v": values or {},
        "e": errors,
        "alert": alert,
        "problems": problems,
        "notice": request.query_params.get("done", ""),
    }
