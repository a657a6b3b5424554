"""A round's results page, for the secretariat and the organizer: the aggregates side by side,
the ranking method, advancement, tiers and prizes against the budget, the exports; and the
organizer's approval of the final results (then the hash, and the authors, are shown)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from shared.auth import Principal, Role
from shared.errors import ApiError
from shared.pages.rendering import redirect
from shared.web import Runtime

from ..results.schemas import ApproveIn
from ..results.service import approve
from ..results.views import results_of
from ..rounds.service import jurors_of, round_or_404
from .forms import FormInvalid, FormValues, form_state, form_values, validate
from .rendering import METHOD_NAMES, OrganizerPage, StaffPage, page_router, render, translator_for

router = page_router()


async def _results_page(
    request: Request,
    runtime: Runtime,
    who: Principal,
    round_id: str,
    values: FormValues | None = None,
    problem: FormInvalid | ApiError | None = None,
    status: int = 200,
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        round_ = await round_or_404(session, round_id)
        jurors = list(await jurors_of(session, round_))
        results = await results_of(session, round_id)
    context = {
        "round": round_,
        "r": results,
        "method_name": METHOD_NAMES.get(results.method, results.method_label),
        "jurors": jurors,
        "may_approve": who.has_any(Role.ORGANIZER)
        and round_.kind == "final"
        and round_.status == "closed"
        and results.snapshot_hash is None,
        **form_state(request, values, problem),
    }
    return render(request, "results.html", context, status)


@router.get("/staff/rounds/{round_id}/results", response_class=HTMLResponse)
async def results_page(
    round_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> HTMLResponse:
    return await _results_page(request, runtime, who, round_id)


@router.post("/staff/rounds/{round_id}/approve", response_class=HTMLResponse)
async def approve_post(
    round_id: str, request: Request, runtime: Runtime, who: OrganizerPage
) -> Response:
    values = form_values(await request.form())
    try:
        body = validate(
            ApproveIn,
            {"overflow_reason": values.get("overflow_reason") or None},
            translator_for(request),
        )
        async with runtime.db.transaction() as session:
            await approve(session, runtime.outbox, who, round_id, body.overflow_reason)
    except (FormInvalid, ApiError) as problem:
        status = problem.status if isinstance(problem, ApiError) else 422
        return await _results_page(request, runtime, who, round_id, values, problem, status)
    return redirect(f"/staff/rounds/{round_id}/results?done=approved")
