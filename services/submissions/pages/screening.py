"""The secretariat's pages: the screening queue with filters, and one submitted entry with its
files playable in place, the automatic checks, duplicates, history and the decisions."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import ApiError
from shared.pages.rendering import redirect
from shared.web import Runtime

from ..models import Category
from ..screening.schemas import AnonymityIn, DecisionIn
from ..screening.service import (
    SCREENED_STATUSES,
    decide,
    duplicates,
    entry_for_screening,
    file_urls,
    history,
    queue,
    set_anonymity,
)
from .forms import FormInvalid, form_values, validate
from .i18n import DISTRICTS
from .rendering import SecretariatPage, page_router, render, translator_for

router = page_router()
CATEGORY_CODE = re.compile(r"^[A-Z]{2,4}$")


@router.get("/screening", response_class=HTMLResponse)
async def queue_page(
    request: Request,
    runtime: Runtime,
    _: SecretariatPage,
    status: str = "",
    category: str = "",
    district: str = "",
    q: str = "",
) -> HTMLResponse:
    filters = {
        "status": status if status in SCREENED_STATUSES else "",
        "category": category if CATEGORY_CODE.match(category) else "",
        "district": district if district in DISTRICTS else "",
        "q": q.strip()[:200],
    }
    async with runtime.db.reading() as session:
        items = await queue(
            session,
            status=filters["status"] or None,
            category_code=filters["category"] or None,
            district=filters["district"] or None,
            search=filters["q"] or None,
        )
        categories: dict[str, str] = {}
        for code, name in await session.execute(
            sa.select(Category.code, Category.name).order_by(Category.position, Category.code)
        ):
            categories.setdefault(code, name)
    context = {
        "items": items,
        "f": filters,
        "categories": categories,
        "statuses": SCREENED_STATUSES,
    }
    return render(request, "screening_queue.html", context)


async def _screening_page(
    request: Request,
    runtime: Runtime,
    session: AsyncSession,
    entry_id: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    alert: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    entry, snapshot = await entry_for_screening(session, entry_id)
    same: dict[str, list[Any]] = defaultdict(list)
    for duplicate in await duplicates(session, entry):
        same[duplicate.file_id].append(duplicate)
    context = {
        "entry": entry,
        "s": snapshot,
        "urls": file_urls(runtime.storage, snapshot),
        "duplicates": same,
        "records": await history(session, entry_id),
        "decidable": entry.status == "submitted",
        "v": values or {},
        "e": errors or {},
        "alert": alert,
        "notice": request.query_params.get("done", ""),
    }
    return render(request, "screening_entry.html", context, status)


@router.get("/screening/{entry_id}", response_class=HTMLResponse)
async def entry_page(
    entry_id: str, request: Request, runtime: Runtime, _: SecretariatPage
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        return await _screening_page(request, runtime, session, entry_id)


async def _again(
    request: Request,
    runtime: Runtime,
    entry_id: str,
    values: dict[str, str],
    problem: FormInvalid | ApiError,
) -> HTMLResponse:
    errors = problem.errors if isinstance(problem, FormInvalid) else {}
    alert = problem.message if isinstance(problem, ApiError) else None
    status = problem.status if isinstance(problem, ApiError) else 422
    async with runtime.db.reading() as session:
        return await _screening_page(
            request, runtime, session, entry_id, values, errors, alert, status
        )


@router.post("/screening/{entry_id}/decision", response_class=HTMLResponse)
async def decision_post(
    entry_id: str, request: Request, runtime: Runtime, who: SecretariatPage
) -> Response:
    values = form_values(await request.form())

    def name_of(loc: tuple[int | str, ...]) -> str:
        return "decision" if loc and loc[0] == "decision" else "reason"

    data = {"decision": values.get("decision", ""), "reason": values.get("reason") or None}
    try:
        body = validate(DecisionIn, data, translator_for(request), name_of)
        async with runtime.db.transaction() as session:
            await decide(session, runtime.outbox, who, entry_id, body.decision, body.reason)
    except (FormInvalid, ApiError) as problem:
        return await _again(request, runtime, entry_id, values, problem)
    return redirect(f"/screening/{entry_id}?done=decided")


@router.post("/screening/{entry_id}/anonymity", response_class=HTMLResponse)
async def anonymity_post(
    entry_id: str, request: Request, runtime: Runtime, who: SecretariatPage
) -> Response:
    values = form_values(await request.form())
    data = {
        "cannot_anonymise": values.get("cannot_anonymise") == "1",
        "reason": values.get("anonymity_reason", ""),
    }
    try:
        body = validate(AnonymityIn, data, translator_for(request), lambda loc: "anonymity_reason")
        async with runtime.db.transaction() as session:
            await set_anonymity(session, who, entry_id, body.cannot_anonymise, body.reason)
    except (FormInvalid, ApiError) as problem:
        return await _again(request, runtime, entry_id, values, problem)
    return redirect(f"/screening/{entry_id}?done=anonymity")
