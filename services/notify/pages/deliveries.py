"""The delivery log pages, for operators and organizers: a search form and a table of what was
sent to whom with its status, one delivery with its attempt log, and its resend button.

The resend form posts with the sign-in cookie; the same-site guard of every service (shared.web)
refuses such a post unless it comes from a page of this site."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from shared.auth import Principal, Role
from shared.errors import ApiError
from shared.pages.rendering import redirect
from shared.web import Runtime

from ..deliveries.service import (
    CHANNELS,
    RESENDABLE,
    STATUSES,
    DeliveryFilters,
    attempts_of,
    delivery_or_404,
    resend,
    search_deliveries,
)
from .rendering import StaffPage, page_router, render

router = page_router()

PAGE_SIZE = 50
FILTER_FIELDS = ("recipient", "event_id", "status", "channel", "template", "contest_id")


def _filter_values(request: Request) -> dict[str, str]:
    """What the search form holds, cut to a sane length; unknown statuses and channels dropped."""
    values = {f: request.query_params.get(f, "").strip()[:320] for f in FILTER_FIELDS}
    if values["status"] not in STATUSES:
        values["status"] = ""
    if values["channel"] not in CHANNELS:
        values["channel"] = ""
    return values


def _page_number(request: Request) -> int:
    text = request.query_params.get("page", "1")
    return max(1, int(text)) if text.isdigit() else 1


def _page_link(values: dict[str, str], page: int) -> str:
    query = {k: v for k, v in values.items() if v}
    query["page"] = str(page)
    return "/deliveries?" + urlencode(query)


@router.get("/deliveries", response_class=HTMLResponse)
async def deliveries_page(request: Request, runtime: Runtime, _: StaffPage) -> HTMLResponse:
    values = _filter_values(request)
    filters = DeliveryFilters(**{k: v or None for k, v in values.items()})
    page = _page_number(request)
    try:
        async with runtime.db.reading() as session:
            found = await search_deliveries(session, filters, page, PAGE_SIZE)
    except ApiError as problem:
        failed: dict[str, Any] = {"v": values, "found": None, "problem": problem.message}
        return render(request, "deliveries.html", failed, problem.status)
    context: dict[str, Any] = {
        "v": values,
        "found": found,
        "problem": None,
        "previous_link": _page_link(values, page - 1) if page > 1 else None,
        "next_link": _page_link(values, page + 1) if page < found.pages else None,
    }
    return render(request, "deliveries.html", context)


async def _delivery_page(
    request: Request,
    runtime: Runtime,
    who: Principal,
    delivery_id: str,
    problem: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        delivery = await delivery_or_404(session, delivery_id)
        attempts = await attempts_of(session, delivery_id)
    context = {
        "d": delivery,
        "attempts": attempts,
        "may_resend": delivery.status in RESENDABLE,
        "show_payload": who.has_any(Role.OPERATOR) and bool(delivery.payload),
        "done": request.query_params.get("done") == "resent",
        "problem": problem,
    }
    return render(request, "delivery.html", context, status)


@router.get("/deliveries/{delivery_id}", response_class=HTMLResponse)
async def delivery_page(
    delivery_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> HTMLResponse:
    return await _delivery_page(request, runtime, who, delivery_id)


@router.post("/deliveries/{delivery_id}/resend", response_class=HTMLResponse)
async def resend_post(
    delivery_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> Response:
    try:
        async with runtime.db.transaction() as session:
            await resend(session, delivery_id, who.account_id)
    except ApiError as problem:
        if problem.status == 404:
            raise
        return await _delivery_page(
            request, runtime, who, delivery_id, problem.message, problem.status
        )
    return redirect(f"/deliveries/{delivery_id}?done=resent")
