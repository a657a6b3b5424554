"""Rendering the judging pages: the shared page kit with this service's templates, catalogue,
filters and labels, and the role checks of its pages.

People sign in on the submissions service, whose address is a setting of this one (it differs
per deployment), so the kit builds the sign-in link from the running service's settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from jinja2 import pass_context
from jinja2.runtime import Context

from shared.auth import Principal, Role
from shared.pages.i18n import N_, Catalogues, Translator
from shared.pages.rendering import (
    VIETNAM_TZ,
    PageKit,
    gettext_of,
    lang_of,
    origin_of,
    signed_in,
)
from shared.web import get_runtime

from ..deps import judging_settings
from ..domain.aggregates import METHOD_LABELS

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE.parent / "templates"
CATALOGUES = Catalogues(HERE.parent / "locales")
translator = CATALOGUES.translator

# --- labels shown for stored codes -----------------------------------------------------------

SCORE_STATUS_LABELS = {
    "todo": N_("Chưa chấm"),
    "draft": N_("Nháp"),
    "submitted": N_("Đã nộp"),
}
ROUND_STATUS_LABELS = {
    "draft": N_("Đang soạn"),
    "assigned": N_("Đã phân công"),
    "released": N_("Đang chấm"),
    "closed": N_("Đã kết thúc"),
    "approved": N_("Đã phê duyệt kết quả"),
}
ROUND_KIND_LABELS = {"preliminary": N_("Sơ khảo"), "final": N_("Chung khảo")}
MEMBER_ROLE_LABELS = {
    "juror": N_("Giám khảo"),
    "chair": N_("Chủ tịch Hội đồng"),
    "secretary": N_("Thư ký Hội đồng"),
}
RELATIONSHIP_LABELS = {"relative": N_("Người thân"), "colleague": N_("Đồng nghiệp")}
AWARD_MODE_LABELS = {
    "ballot_then_score": N_("Bỏ phiếu kín, rồi xếp theo điểm trong số lượng giải"),
    "score_only": N_("Chỉ theo thứ hạng điểm"),
}
METHOD_NAMES = {method.value: label for method, label in METHOD_LABELS.items()}
KIND_LABELS = {
    "text": N_("văn bản"),
    "audio": N_("âm thanh"),
    "video": N_("video"),
    "image": N_("ảnh"),
}

# --- filters of these pages ------------------------------------------------------------------


def when(value: datetime | None, tz: str = VIETNAM_TZ) -> str:
    """``dd/mm/yyyy HH:MM`` in the contest's zone: how jurors read a deadline."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M")


def plain(value: float | None) -> str:
    """A number as a form field holds it: ``17.25``, ``40`` (a point, whatever the language)."""
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@pass_context
def points(context: Context, value: float | None) -> str:
    """A score to read: ``17,25`` in Vietnamese, ``17.25`` in English; a dash when absent."""
    if value is None:
        return "—"
    text = plain(value)
    return text if lang_of(context) == "en" else text.replace(".", ",")


@pass_context
def options(context: Context, labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """A select's options from stored code → label, the labels in the page's language."""
    _ = gettext_of(context)
    return [(code, _(label)) for code, label in labels.items()]


def percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


# --- the kit ---------------------------------------------------------------------------------


def submissions_origin(request: Request) -> str:
    """Where people sign in (the submissions service), e.g. ``http://127.0.0.1:8001``."""
    return origin_of(judging_settings(get_runtime(request)).sign_in_url) or ""


class JudgingPageKit(PageKit):
    """The shared kit, with a sign-in link read from the running service's settings."""

    def sign_in_link(self, request: Request) -> str:
        settings = judging_settings(get_runtime(request))
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        back = settings.public_url.rstrip("/") + here
        return f"{settings.sign_in_url}?next={quote(back, safe='')}"


def _page_variables(request: Request, t: Translator, who: Principal | None) -> Mapping[str, Any]:
    return {
        "is_juror": bool(who and who.has_any(Role.JUROR)),
        "is_staff": bool(who and who.has_any(Role.SECRETARIAT, Role.ORGANIZER)),
        "is_organizer": bool(who and who.has_any(Role.ORGANIZER)),
        "submissions_origin": submissions_origin(request),
    }


pages = JudgingPageKit(
    templates_dir=TEMPLATES,
    catalogues=CATALOGUES,
    filters={"when": when, "plain": plain, "points": points, "options": options},
    template_globals={
        "SCORE_STATUS_LABELS": SCORE_STATUS_LABELS,
        "ROUND_STATUS_LABELS": ROUND_STATUS_LABELS,
        "ROUND_KIND_LABELS": ROUND_KIND_LABELS,
        "MEMBER_ROLE_LABELS": MEMBER_ROLE_LABELS,
        "RELATIONSHIP_LABELS": RELATIONSHIP_LABELS,
        "AWARD_MODE_LABELS": AWARD_MODE_LABELS,
        "METHOD_NAMES": METHOD_NAMES,
        "KIND_LABELS": KIND_LABELS,
        "percent": percent,
    },
    context=_page_variables,
)
render = pages.render
error_page = pages.error_page
page_router = pages.page_router
translator_for = pages.translator_for

JurorPage = Annotated[Principal, Depends(signed_in(Role.JUROR))]
StaffPage = Annotated[Principal, Depends(signed_in(Role.SECRETARIAT, Role.ORGANIZER))]
OrganizerPage = Annotated[Principal, Depends(signed_in(Role.ORGANIZER))]
