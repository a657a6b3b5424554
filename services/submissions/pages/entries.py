"""The contestant's pages: their entries, the entry form, the entry page with files, uploads
and submission, withdrawal, and the printable receipt. Only ever their own entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import utc_now
from shared.contracts.submissions import CategoryRules, Eligibility, MediaKind
from shared.errors import ApiError
from shared.pages.rendering import redirect
from shared.web import Runtime

from ..contests.service import phases_of
from ..domain.submission import life_stage, submission_window
from ..entries.access import contest_and_category, ensure_editable, own_entry, rules_of
from ..entries.checks import entry_problems
from ..entries.schemas import EntryFields, EntryIn
from ..entries.service import (
    create_entry,
    my_entries,
    submit_entry,
    update_entry,
    withdraw_entry,
)
from ..entries.views import SHOWN_FILES
from ..models import Category, Contest, Entry, EntryVersion
from ..screening.service import history
from ..uploads.service import cancel_upload
from .forms import AUTHOR_ROWS, EXEMPLAR_ROWS, FormInvalid, entry_values, form_values, parse_entry
from .rendering import ContestantPage, page_router, render, translator_for

router = page_router()
CONTEST_NOT_FOUND = "Không tìm thấy cuộc thi hoặc thể loại. / Contest or category not found."
NO_RECEIPT = "Bài chưa được nộp nên chưa có biên nhận. / The entry has not been submitted yet."
ACCEPT = {
    MediaKind.TEXT: ".pdf,.doc,.docx,.odt,.rtf,.txt",
    MediaKind.IMAGE: "image/*",
    MediaKind.VIDEO: "video/*",
    MediaKind.AUDIO: "audio/*",
}


@dataclass(frozen=True)
class Slot:
    """One upload form: the work (or one part of a series), or its Vietnamese translation."""

    role: str
    part: int | None
    accept: str
    multiple: bool


def _form_context(
    contest: Contest, category: Category, values: dict[str, str], errors: dict[str, str]
) -> dict[str, Any]:
    eligibility = Eligibility.model_validate(contest.eligibility)
    return {
        "contest": contest,
        "category": category,
        "rules": rules_of(category),
        "eligibility": eligibility,
        "v": values,
        "e": errors,
        "author_rows": AUTHOR_ROWS,
        "exemplar_rows": EXEMPLAR_ROWS,
    }


def _editable(entry: Entry, contest: Contest) -> bool:
    try:
        ensure_editable(entry, contest)
    except ApiError:
        return False
    return True


def _slots(entry: Entry, rules: CategoryRules, eligibility: Eligibility) -> list[Slot]:
    accept = ",".join(ACCEPT[k] for k in rules.allowed_kinds)
    if entry.series_parts > 1:
        slots = [Slot("work", n, accept, False) for n in range(1, entry.series_parts + 1)]
    else:
        slots = [Slot("work", None, accept, rules.max_files > 1)]
    if entry.language in eligibility.translation_required:
        slots.append(Slot("translation", None, ACCEPT[MediaKind.TEXT], False))
    return slots


async def _entry_page(
    request: Request,
    session: AsyncSession,
    entry: Entry,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    alert: str | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    contest, category = await contest_and_category(session, entry)
    context = _form_context(contest, category, values or entry_values(entry), errors or {})
    editable = _editable(entry, contest)
    records = await history(session, entry.entry_id)
    revision = next(
        (r for r in reversed(records) if r.action == "revision_requested"),
        None,
    )
    changed = entry.submitted_at is None or entry.updated_at > entry.submitted_at
    context |= {
        "entry": entry,
        "stage": life_stage(entry.status, phases_of(contest), utc_now()),
        "editable": editable,
        "problems": [p.message for p in await entry_problems(session, entry)] if editable else [],
        "failed": problems or [],
        "alert": alert,
        "notice": request.query_params.get("done", ""),
        "files": [f for f in entry.files if f.status in SHOWN_FILES],
        "slots": _slots(entry, context["rules"], context["eligibility"]) if editable else [],
        "revision": revision if entry.status == "revision_requested" else None,
        "can_submit": editable and (entry.status != "submitted" or changed),
        "can_withdraw": editable and entry.status == "submitted",
        "window": submission_window(phases_of(contest)),
    }
    return render(request, "entry.html", context, status)


@router.get("/entries", response_class=HTMLResponse)
async def entries_page(request: Request, runtime: Runtime, who: ContestantPage) -> HTMLResponse:
    async with runtime.db.reading() as session:
        entries = await my_entries(session, who)
        ids = {e.category_id for e in entries}
        categories = {
            c.category_id: c
            for c in await session.scalars(sa.select(Category).where(Category.category_id.in_(ids)))
        }
        contests = {
            c.contest_id: phases_of(c)
            for c in await session.scalars(
                sa.select(Contest).where(Contest.contest_id.in_({e.contest_id for e in entries}))
            )
        }
    now = utc_now()
    stages = {e.entry_id: life_stage(e.status, contests[e.contest_id], now) for e in entries}
    context = {"entries": entries, "categories": categories, "stages": stages}
    return render(request, "entries.html", context)


async def _contest_and_category(
    session: AsyncSession, contest_id: str, code: str
) -> tuple[Contest, Category]:
    contest = await session.get(Contest, contest_id) if contest_id else None
    category = next((c for c in contest.categories if c.code == code), None) if contest else None
    if contest is None or contest.version == 0 or category is None:
        raise ApiError(404, CONTEST_NOT_FOUND)
    return contest, category


@router.get("/entries/new", response_class=HTMLResponse)
async def new_entry_page(
    request: Request, runtime: Runtime, who: ContestantPage, contest: str = "", category: str = ""
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        found, chosen = await _contest_and_category(session, contest, category)
    values = {
        "language": "vi",
        "series_parts": "1",
        "published": "no",
        "author-0-full_name": who.display_name,
        "author-0-email": who.email,
    }
    return render(request, "entry_new.html", _form_context(found, chosen, values, {}))


@router.post("/entries/new", response_class=HTMLResponse)
async def new_entry_post(
    request: Request, runtime: Runtime, who: ContestantPage, contest: str = "", category: str = ""
) -> Response:
    values = form_values(await request.form())
    async with runtime.db.reading() as session:
        found, chosen = await _contest_and_category(session, contest, category)
    try:
        data = parse_entry(
            values, translator_for(request), EntryIn, contest_id=contest, category_code=category
        )
        async with runtime.db.transaction() as session:
            entry_id = (await create_entry(session, who, data)).entry_id
    except (FormInvalid, ApiError) as problem:
        errors = problem.errors if isinstance(problem, FormInvalid) else {}
        alert = problem.message if isinstance(problem, ApiError) else None
        context = _form_context(found, chosen, values, errors) | {"alert": alert}
        return render(request, "entry_new.html", context, 422)
    return redirect(f"/entries/{entry_id}?done=created")


@router.get("/entries/{entry_id}", response_class=HTMLResponse)
async def entry_page(
    entry_id: str, request: Request, runtime: Runtime, who: ContestantPage
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        return await _entry_page(request, session, await own_entry(session, who, entry_id))


@router.post("/entries/{entry_id}", response_class=HTMLResponse)
async def save_entry(
    entry_id: str, request: Request, runtime: Runtime, who: ContestantPage
) -> Response:
    values = form_values(await request.form())
    try:
        data = parse_entry(values, translator_for(request), EntryFields)
        async with runtime.db.transaction() as session:
            await update_entry(session, who, entry_id, data)
    except (FormInvalid, ApiError) as problem:
        errors = problem.errors if isinstance(problem, FormInvalid) else {}
        alert = problem.message if isinstance(problem, ApiError) else None
        async with runtime.db.reading() as session:
            entry = await own_entry(session, who, entry_id)
            return await _entry_page(request, session, entry, values, errors, alert, status=422)
    return redirect(f"/entries/{entry_id}?done=saved")


async def _act(
    request: Request, runtime: Runtime, who: Principal, entry_id: str, act: str
) -> Response:
    """Submit, withdraw: the entry page again, with the reason, when it cannot be done."""
    try:
        async with runtime.db.transaction() as session:
            if act == "submitted":
                await submit_entry(session, runtime.outbox, who, entry_id)
            else:
                await withdraw_entry(session, runtime.outbox, who, entry_id)
    except ApiError as error:
        async with runtime.db.reading() as session:
            entry = await own_entry(session, who, entry_id)
            return await _entry_page(
                request,
                session,
                entry,
                alert=error.message,
                problems=error.problems,
                status=error.status,
            )
    return redirect(f"/entries/{entry_id}?done={act}")


@router.post("/entries/{entry_id}/submit")
async def submit_page(
    entry_id: str, request: Request, runtime: Runtime, who: ContestantPage
) -> Response:
    return await _act(request, runtime, who, entry_id, "submitted")


@router.post("/entries/{entry_id}/withdraw")
async def withdraw_page(
    entry_id: str, request: Request, runtime: Runtime, who: ContestantPage
) -> Response:
    return await _act(request, runtime, who, entry_id, "withdrawn")


@router.post("/entries/{entry_id}/files/{file_id}/delete")
async def delete_file(
    entry_id: str, file_id: str, request: Request, runtime: Runtime, who: ContestantPage
) -> Response:
    try:
        await cancel_upload(runtime.db, runtime.storage, who, entry_id, file_id)
    except ApiError as error:
        async with runtime.db.reading() as session:
            entry = await own_entry(session, who, entry_id)
            return await _entry_page(
                request, session, entry, alert=error.message, status=error.status
            )
    return redirect(f"/entries/{entry_id}?done=removed")


@router.get("/entries/{entry_id}/receipt", response_class=HTMLResponse)
async def receipt(
    entry_id: str, request: Request, runtime: Runtime, who: ContestantPage
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        entry = await own_entry(session, who, entry_id)
        if entry.version == 0:
            raise ApiError(404, NO_RECEIPT)
        contest, _ = await contest_and_category(session, entry)
        version = await session.get(EntryVersion, (entry.entry_id, entry.version))
        assert version is not None
    context = {
        "entry": entry,
        "stage": life_stage(entry.status, phases_of(contest), utc_now()),
        "contest": contest,
        "s": version.snapshot,
        "at": version.created_at,
    }
    return render(request, "receipt.html", context)
