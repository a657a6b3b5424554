"""Previews of the e-mail templates, for organizers and operators: each template as a reader
of either language would receive it, filled with its sample values."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import TemplateError

from shared.errors import ApiError

from ..domain.samples import SAMPLES, sample_context
from ..domain.templates import LANGUAGES, template_names
from ..domain.templates import render as render_message
from .rendering import StaffPage, page_router, render

router = page_router()

NO_TEMPLATE = "Không có mẫu thư này. / No such e-mail template."
NO_LANGUAGE = "Mẫu thư chỉ có tiếng Việt và tiếng Anh. / Templates exist in vi and en only."
NO_SAMPLE = "Mẫu thư này chưa có dữ liệu mẫu. / This template has no sample values yet."
NOT_RENDERED = "Không dựng được mẫu thư với dữ liệu mẫu: {error} / The template failed: {error}"


@router.get("/templates", response_class=HTMLResponse)
async def templates_page(request: Request, _: StaffPage) -> HTMLResponse:
    listed = [(name, name in SAMPLES) for name in template_names()]
    return render(request, "templates.html", {"templates": listed, "languages": LANGUAGES})


@router.get("/templates/{name}", response_class=HTMLResponse)
async def preview_page(name: str, request: Request, _: StaffPage, lang: str = "vi") -> HTMLResponse:
    if name not in template_names():
        raise ApiError(404, NO_TEMPLATE)
    if lang not in LANGUAGES:
        raise ApiError(404, NO_LANGUAGE)
    if name not in SAMPLES:
        raise ApiError(404, NO_SAMPLE)
    try:
        message = render_message(name, lang, sample_context(name, lang))
    except (TemplateError, ValueError) as error:
        raise ApiError(500, NOT_RENDERED.format(error=error)) from error
    context = {"name": name, "message_lang": lang, "message": message, "languages": LANGUAGES}
    return render(request, "template_preview.html", context)
