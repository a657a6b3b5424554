"""The organizers' contest editor: set a contest up, change it (a published one becomes its
next version, with a reason once submissions are open), attach the signed rules PDF, and
publish it. Plain forms, no JavaScript: every row is drawn and empty ones are ignored."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData, UploadFile

from shared.contracts.base import utc_now
from shared.errors import ApiError
from shared.pages.rendering import redirect
from shared.web import Runtime

from ..contests.service import (
    RULES_PDF_MAX,
    change_contest,
    check_rules_pdf,
    clean_rules_html,
    create_contest,
    phases_of,
    publish_contest,
    store_rules_pdf,
)
from ..domain.submission import submission_window
from ..models import Contest
from .contest_fields import (
    KINDS,
    LANGUAGES,
    PHASE_NAMES,
    PHASE_PARTS,
    SIZE_UNITS,
    TRANSLATED,
    contest_values,
    label_of,
    new_contest_values,
    row_counts,
)
from .contest_form import parse_contest
from .forms import FormInvalid, FormValues, form_values
from .rendering import OrganizerPage, page_router, render, translator_for

router = page_router()
NOT_FOUND = "Không tìm thấy cuộc thi. / Contest not found."
ALREADY_PUBLISHED = "Cuộc thi đã được công bố. / The contest is already published."


def needs_reason(contest: Contest) -> bool:
    """Published, and submissions already open: every change must say why."""
    window = submission_window(phases_of(contest))
    return contest.version > 0 and window is not None and utc_now() >= window.starts_at


async def _contest(session: AsyncSession, contest_id: str) -> Contest:
    contest = await session.get(Contest, contest_id)
    if contest is None:
        raise ApiError(404, NOT_FOUND)
    return contest


def _page(
    request: Request,
    contest: Contest | None,
    values: FormValues,
    errors: dict[str, str] | None = None,
    alert: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    t = translator_for(request)
    categories, tiers = row_counts(values)
    errors = errors or {}
    context: dict[str, Any] = {
        "contest": contest,
        "v": values,
        "e": errors,
        "labels": {name: label_of(name, t) for name in errors},
        "alert": alert,
        "phase_names": [(kind.value, name) for kind, name in PHASE_NAMES.items()],
        "phase_parts": list(PHASE_PARTS.items()),
        "kinds": [k.value for k in KINDS],
        "languages": LANGUAGES,
        "translated": TRANSLATED,
        "units": [(unit, unit) for unit in SIZE_UNITS],
        "category_rows": categories,
        "tier_rows": tiers,
        "preview": clean_rules_html(values.get("rules_html", "")),
        "needs_reason": contest is not None and needs_reason(contest),
        "action": f"/organizer/contests/{contest.contest_id}/edit" if contest else "",
    }
    return render(request, "contest_edit.html", context, status)


async def _rules_pdf(form: FormData, request: Request) -> tuple[bytes | None, dict[str, str]]:
    """The PDF chosen in the form, if any, or the reason it is refused (next to the field)."""
    upload = form.get("rules_pdf")
    if not isinstance(upload, UploadFile):
        return None, {}
    data = await upload.read(RULES_PDF_MAX + 1)  # one byte more tells "too large"
    if not data and not upload.filename:
        return None, {}  # the file input left empty
    try:
        check_rules_pdf(data)
    except ApiError as error:
        return None, {"rules_pdf": translator_for(request).pick(error.message)}
    return data, {}


@router.get("/organizer/contests/new", response_class=HTMLResponse)
async def new_contest_page(request: Request, _: OrganizerPage) -> HTMLResponse:
    return _page(request, None, new_contest_values())


@router.post("/organizer/contests/new", response_class=HTMLResponse)
async def new_contest_post(request: Request, runtime: Runtime, _: OrganizerPage) -> Response:
    form = await request.form()
    values = form_values(form)
    if values.get("preview"):
        return _page(request, None, values)
    pdf, errors = await _rules_pdf(form, request)
    try:
        data = parse_contest(values, translator_for(request), errors=errors)
        async with runtime.db.transaction() as session:
            contest = await create_contest(session, data)
            if pdf is not None:
                await store_rules_pdf(session, runtime.storage, contest.contest_id, pdf)
    except FormInvalid as invalid:
        return _page(request, None, values, invalid.errors, status=422)
    except ApiError as error:
        if error.status == 409:  # the only conflict here: the code is taken
            code_taken = {"code": translator_for(request).pick(error.message)}
            return _page(request, None, values, code_taken, status=409)
        return _page(request, None, values, alert=error.message, status=error.status)
    return redirect("/organizer?done=contest_created")


@router.get("/organizer/contests/{contest_id}/edit", response_class=HTMLResponse)
async def edit_contest_page(
    contest_id: str, request: Request, runtime: Runtime, _: OrganizerPage
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        contest = await _contest(session, contest_id)
    return _page(request, contest, contest_values(contest, translator_for(request).lang))


@router.post("/organizer/contests/{contest_id}/edit", response_class=HTMLResponse)
async def edit_contest_post(
    contest_id: str, request: Request, runtime: Runtime, who: OrganizerPage
) -> Response:
    form = await request.form()
    values = form_values(form)
    t = translator_for(request)
    async with runtime.db.reading() as session:
        contest = await _contest(session, contest_id)
    if values.get("preview"):
        return _page(request, contest, values)
    pdf, errors = await _rules_pdf(form, request)
    reason = values.get("reason", "").strip()
    if needs_reason(contest) and not reason:
        errors["reason"] = t.gettext("Cuộc thi đã mở nhận bài: hãy ghi rõ lý do thay đổi.")
    try:
        data = parse_contest(values, t, code=contest.code, timezone=contest.timezone, errors=errors)
        async with runtime.db.transaction() as session:
            if pdf is not None:  # first, so that a re-published version carries it
                await store_rules_pdf(session, runtime.storage, contest_id, pdf)
            await change_contest(
                session, runtime.outbox, contest_id, data, reason or None, who.account_id
            )
    except FormInvalid as invalid:
        return _page(request, contest, values, invalid.errors, status=422)
    except ApiError as error:
        return _page(request, contest, values, alert=error.message, status=error.status)
    return redirect("/organizer?done=contest_saved")


@router.post("/organizer/contests/{contest_id}/publish", response_class=HTMLResponse)
async def publish_contest_post(
    contest_id: str, request: Request, runtime: Runtime, who: OrganizerPage
) -> Response:
    try:
        async with runtime.db.transaction() as session:
            if (await _contest(session, contest_id)).version > 0:
                raise ApiError(409, ALREADY_PUBLISHED)
            await publish_contest(session, runtime.outbox, contest_id, None, who.account_id)
    except ApiError as error:
        async with runtime.db.reading() as session:
            contest = await _contest(session, contest_id)
        values = contest_values(contest, translator_for(request).lang)
        return _page(request, contest, values, alert=error.message, status=error.status)
    return redirect("/organizer?done=contest_published")
