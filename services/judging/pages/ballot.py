"""The secret ballot page of a final round: one row per finalist, a tier or «no award» each,
one paper per juror. The ballot API's own functions read and cast it."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from shared.auth import Principal
from shared.errors import ApiError
from shared.pages.rendering import redirect
from shared.web import Runtime

from ..ballots.views import ballot_of, cast_by_codes
from ..domain.ballot import NO_TIER
from .forms import FormInvalid, FormValues, form_state, form_values
from .rendering import JurorPage, page_router, render, translator_for

router = page_router()


async def _ballot_page(
    request: Request,
    runtime: Runtime,
    who: Principal,
    round_id: str,
    values: FormValues | None = None,
    problem: FormInvalid | ApiError | None = None,
    status: int = 200,
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        ballot = await ballot_of(session, who, round_id)
    context = {
        "ballot": ballot,
        "round_id": round_id,
        **form_state(request, values, problem),
        "NO_TIER": NO_TIER,
    }
    return render(request, "ballot.html", context, status)


@router.get("/rounds/{round_id}/ballot", response_class=HTMLResponse)
async def ballot_page(
    round_id: str, request: Request, runtime: Runtime, who: JurorPage
) -> HTMLResponse:
    return await _ballot_page(request, runtime, who, round_id)


@router.post("/rounds/{round_id}/ballot", response_class=HTMLResponse)
async def ballot_post(
    round_id: str, request: Request, runtime: Runtime, who: JurorPage
) -> Response:
    _ = translator_for(request).gettext
    values = form_values(await request.form())
    try:
        async with runtime.db.reading() as session:
            ballot = await ballot_of(session, who, round_id)
        missing = {
            f"choice-{f.entry_code}": _("Hãy chọn một mức giải hoặc «Không xếp giải».")
            for f in ballot.finalists
            if not values.get(f"choice-{f.entry_code}")
        }
        if missing:
            raise FormInvalid(missing)
        choices: dict[str, str | None] = {}
        for f in ballot.finalists:
            chosen = values[f"choice-{f.entry_code}"]
            choices[f.entry_code] = None if chosen == NO_TIER else chosen
        number = values.get("ballot_no", "")
        if not number.isdigit():
            raise ApiError(409, "Hiện không có lượt bỏ phiếu nào đang mở. / No ballot is open.")
        async with runtime.db.transaction() as session:
            await cast_by_codes(session, who, round_id, int(number), choices)
    except (FormInvalid, ApiError) as problem:
        status = problem.status if isinstance(problem, ApiError) else 422
        return await _ballot_page(request, runtime, who, round_id, values, problem, status)
    return redirect(f"/rounds/{round_id}/ballot?done=voted")
