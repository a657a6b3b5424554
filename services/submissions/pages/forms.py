"""Form posts turned into the API's pydantic models, and their validation errors into
messages next to the fields (Vietnamese first, English when asked)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from starlette.datastructures import FormData

from shared.pages.i18n import N_, Translator

from ..models import Entry

M = TypeVar("M", bound=BaseModel)
AUTHOR_ROWS = 5  # the main author and up to four co-authors
EXEMPLAR_ROWS = 3
AUTHOR_FIELDS = ("full_name", "pen_name", "organisation", "phone", "email")
EXEMPLAR_FIELDS = ("name", "kind", "locality", "field", "press_code")
SECRET_FIELDS = ("password", "password2")  # never sent back to the browser
FormValues = dict[str, str]
FieldNamer = Callable[[tuple[int | str, ...]], str]

FIELD_LABELS = {
    "title": N_("Tên tác phẩm"),
    "language": N_("Ngôn ngữ"),
    "district": N_("Huyện, thành phố"),
    "synopsis": N_("Tóm tắt nội dung"),
    "series_parts": N_("Số phần của loạt bài"),
    "outlet": N_("Cơ quan báo chí đã đăng, phát"),
    "published_on": N_("Ngày đăng, phát"),
    "url": N_("Đường dẫn bài đã đăng"),
    "authors": N_("Tác giả"),
    "email": N_("E-mail"),
    "password": N_("Mật khẩu"),
    "password2": N_("Nhập lại mật khẩu"),
    "display_name": N_("Họ và tên"),
    "roles": N_("Vai trò"),
    "reason": N_("Lý do"),
    "anonymity_reason": N_("Lý do"),
    "decision": N_("Quyết định"),
    "full_name": N_("Họ và tên"),
    "pen_name": N_("Bút danh"),
    "organisation": N_("Cơ quan, đơn vị"),
    "phone": N_("Điện thoại"),
    "name": N_("Tên gương điển hình"),
    "locality": N_("Địa phương"),
    "field": N_("Lĩnh vực"),
    "press_code": N_("Mã gương điển hình"),
}


class FormInvalid(Exception):
    """What is wrong with a form: field name → message ("" for the form as a whole)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = dict(errors)


def form_values(form: FormData) -> FormValues:
    """What the person typed, to show again if the form comes back (passwords excepted)."""
    return {k: v for k, v in form.items() if isinstance(v, str) and k not in SECRET_FIELDS}


def field_label(name: str, t: Translator) -> str:
    _ = t.gettext
    found = re.fullmatch(r"(author|exemplar)-(\d+)-(\w+)", name)
    if found is None:
        return _(FIELD_LABELS.get(name, name))
    group, row, part = found.group(1), int(found.group(2)), found.group(3)
    label = _(FIELD_LABELS.get(part, part))
    if group == "exemplar":
        return _("%(label)s (gương điển hình %(n)s)", label=label, n=row + 1)
    if row == 0:
        return _("%(label)s (tác giả chính)", label=label)
    return _("%(label)s (đồng tác giả %(n)s)", label=label, n=row)


def _default_name(loc: tuple[int | str, ...]) -> str:
    return str(loc[-1]) if loc else ""


def _message(error: ErrorDetails, name: str, t: Translator) -> str:
    _ = t.gettext
    kind, ctx = error["type"], error.get("ctx") or {}
    if name.endswith("email") and kind in ("value_error", "string_too_short", "string_type"):
        return _("Địa chỉ e-mail không hợp lệ.")
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return _("Vui lòng điền mục này.")
    if kind == "string_too_short":
        return _("Cần ít nhất %(n)s ký tự.", n=ctx.get("min_length"))
    if kind == "string_too_long":
        return _("Tối đa %(n)s ký tự.", n=ctx.get("max_length"))
    if kind == "too_short":
        return _("Cần ít nhất %(n)s mục.", n=ctx.get("min_length"))
    if kind == "too_long":
        return _("Tối đa %(n)s mục.", n=ctx.get("max_length"))
    if kind == "string_pattern_mismatch":
        if name.endswith("phone"):
            return _("Số điện thoại không hợp lệ.")
        if name.endswith("-press_code"):
            return _("Mã gương điển hình có dạng GD-0001 (xem Phòng báo chí).")
        return _("Giá trị không hợp lệ.")
    if kind.startswith("url"):
        return _("Đường dẫn không hợp lệ (cần bắt đầu bằng http:// hoặc https://).")
    if kind.startswith("date"):
        return _("Ngày không hợp lệ; hãy ghi theo dạng dd/mm/yyyy.")
    if kind in ("int_parsing", "int_from_float"):
        return _("Hãy nhập một số nguyên.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Cần từ %(n)s trở lên.", n=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("Tối đa là %(n)s.", n=ctx.get("le", ctx.get("lt")))
    if kind == "enum" or kind == "literal_error":
        return _("Hãy chọn một giá trị trong danh sách.")
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    if " / " in message:  # the API's own "Vietnamese / English" rule
        return t.pick(message)
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
            name = name_of(tuple(detail["loc"]))
            found.setdefault(name, _message(detail, name, t))
        raise FormInvalid(found) from error
    if found:
        raise FormInvalid(found)
    return result


def parse_day(text: str) -> date | None:
    """``dd/mm/yyyy`` (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or ``yyyy-mm-dd``; None if neither."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()  # a calendar day, no time zone
        except ValueError:
            continue
    return None


# --- the entry form --------------------------------------------------------------------------


def _filled(values: FormValues, prefix: str, fields: tuple[str, ...]) -> bool:
    return any(values.get(f"{prefix}-{f}", "").strip() for f in fields if f != "kind")


def parse_entry(values: FormValues, t: Translator, model: type[M], **extra: Any) -> M:
    """The entry form as ``model`` (EntryFields, or EntryIn with contest and category)."""
    _ = t.gettext
    errors: dict[str, str] = {}
    author_rows = [
        i for i in range(AUTHOR_ROWS) if i == 0 or _filled(values, f"author-{i}", AUTHOR_FIELDS)
    ]
    exemplar_rows = [
        i for i in range(EXEMPLAR_ROWS) if _filled(values, f"exemplar-{i}", EXEMPLAR_FIELDS)
    ]
    publication: dict[str, Any] | None = None
    if values.get("published") == "yes":
        typed = values.get("published_on", "")
        day = parse_day(typed)
        if typed.strip() and day is None:
            errors["published_on"] = _("Ngày không hợp lệ; hãy ghi theo dạng dd/mm/yyyy.")
        publication = {
            "outlet": values.get("outlet", ""),
            "url": values.get("url", "").strip() or None,
        }
        if day is not None:  # left out when empty or unreadable: reported once, as such
            publication["published_on"] = day.isoformat()
    data = {
        "title": values.get("title", ""),
        "language": values.get("language", "vi"),
        "district": values.get("district", ""),
        "synopsis": values.get("synopsis", ""),
        "series_parts": values.get("series_parts", "").strip() or 1,
        "authors": [
            {f: values.get(f"author-{i}-{f}", "").strip() for f in AUTHOR_FIELDS}
            for i in author_rows
        ],
        "exemplars": [
            {
                "name": values.get(f"exemplar-{i}-name", ""),
                "collective": values.get(f"exemplar-{i}-kind") == "collective",
                "locality": values.get(f"exemplar-{i}-locality", ""),
                "field": values.get(f"exemplar-{i}-field", ""),
                "exemplar_id": values.get(f"exemplar-{i}-press_code", ""),
            }
            for i in exemplar_rows
        ],
        "publication": publication,
        "consent_republication": values.get("consent") == "1",
        **extra,
    }

    def name_of(loc: tuple[int | str, ...]) -> str:
        if len(loc) >= 3 and loc[0] == "authors" and isinstance(loc[1], int):
            return f"author-{author_rows[loc[1]]}-{loc[2]}"
        if len(loc) >= 3 and loc[0] == "exemplars" and isinstance(loc[1], int):
            part = "press_code" if loc[2] == "exemplar_id" else loc[2]
            return f"exemplar-{exemplar_rows[loc[1]]}-{part}"
        if len(loc) >= 2 and loc[0] == "publication":
            return str(loc[1])
        return str(loc[0]) if loc else ""

    return validate(model, data, t, name_of, errors)


def entry_values(entry: Entry) -> FormValues:
    """A stored entry as the form shows it."""
    values: FormValues = {
        "title": entry.title,
        "language": entry.language,
        "district": entry.district,
        "synopsis": entry.synopsis,
        "series_parts": str(entry.series_parts),
        "consent": "1" if entry.consent_republication else "",
        "published": "yes" if entry.publication else "no",
    }
    for i, author in enumerate(entry.authors[:AUTHOR_ROWS]):
        for f in AUTHOR_FIELDS:
            values[f"author-{i}-{f}"] = str(getattr(author, f) or "")
    for i, exemplar in enumerate(entry.exemplars[:EXEMPLAR_ROWS]):
        values[f"exemplar-{i}-name"] = exemplar.get("name", "")
        values[f"exemplar-{i}-kind"] = "collective" if exemplar.get("collective") else "person"
        values[f"exemplar-{i}-locality"] = exemplar.get("locality", "")
        values[f"exemplar-{i}-field"] = exemplar.get("field", "")
        values[f"exemplar-{i}-press_code"] = exemplar.get("exemplar_id", "")
    if entry.publication:
        values["outlet"] = entry.publication.get("outlet", "")
        published_on = entry.publication.get("published_on")
        values["published_on"] = (
            date.fromisoformat(published_on).strftime("%d/%m/%Y") if published_on else ""
        )
        values["url"] = entry.publication.get("url") or ""
    return values
