"""The secretariat's start page (contests, their councils and rounds) and the councils page:
create a council, add a member with their declared relationships, remove a member."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from shared.errors import ApiError
from shared.pages.rendering import redirect
from shared.web import Runtime

from ..councils.schemas import CouncilIn, MemberIn
from ..councils.service import (
    add_member,
    contest_or_404,
    council_or_404,
    councils_of,
    create_council,
    known_contests,
    remove_member,
)
from ..rounds.views import rounds_of
from .forms import FormInvalid, FormValues, form_state, form_values, validate
from .rendering import StaffPage, page_router, render, translator_for

router = page_router()
RELATIONSHIP_ROWS = 3
RELATIONSHIP_FIELDS = ("kind", "name", "email", "organisation")


@router.get("/staff", response_class=HTMLResponse)
async def staff_home(request: Request, runtime: Runtime, who: StaffPage) -> HTMLResponse:
    contests = []
    async with runtime.db.reading() as session:
        for contest in await known_contests(session):
            councils = await councils_of(session, contest.contest_id)
            rounds = await rounds_of(session, contest.contest_id)
            contests.append({"contest": contest, "councils": councils, "rounds": rounds})
    return render(request, "staff_home.html", {"contests": contests})


async def _councils_page(
    request: Request,
    runtime: Runtime,
    contest_id: str,
    values: FormValues | None = None,
    problem: FormInvalid | ApiError | None = None,
    status: int = 200,
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        contest = await contest_or_404(session, contest_id)
        councils = await councils_of(session, contest_id)
    v = values or {}
    context: dict[str, Any] = {
        "contest": contest,
        "councils": councils,
        "categories": {c["category_id"]: c for c in contest.categories},
        **form_state(request, v, problem),
        "failed": v.get("form", "") if problem else "",  # which form the messages belong to
        "relationship_rows": range(RELATIONSHIP_ROWS),
    }
    return render(request, "councils.html", context, status)


@router.get("/staff/contests/{contest_id}/councils", response_class=HTMLResponse)
async def councils_page(
    contest_id: str, request: Request, runtime: Runtime, _: StaffPage
) -> HTMLResponse:
    return await _councils_page(request, runtime, contest_id)


def _status(problem: FormInvalid | ApiError) -> int:
    return problem.status if isinstance(problem, ApiError) else 422


@router.post("/staff/contests/{contest_id}/councils", response_class=HTMLResponse)
async def council_post(
    contest_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> Response:
    values = form_values(await request.form())
    values["form"] = "council"
    data = {"kind": values.get("kind", ""), "name": values.get("name", "")}
    try:
        body = validate(CouncilIn, data, translator_for(request))
        async with runtime.db.transaction() as session:
            council = await create_council(session, who, contest_id, body)
            council_id = council.council_id
    except (FormInvalid, ApiError) as problem:
        return await _councils_page(request, runtime, contest_id, values, problem, _status(problem))
    return redirect(f"/staff/contests/{contest_id}/councils?done=council#council-{council_id}")


def member_data(values: FormValues) -> tuple[dict[str, Any], list[int]]:
    """The member form as MemberIn's data, and which relationship rows were filled."""
    rows = [
        i
        for i in range(RELATIONSHIP_ROWS)
        if any(values.get(f"rel-{i}-{f}", "").strip() for f in RELATIONSHIP_FIELDS if f != "kind")
    ]
    data = {
        "email": values.get("email", "").strip(),
        "display_name": values.get("display_name", ""),
        "organisation": values.get("organisation", ""),
        "role": values.get("role", "juror"),
        "category_id": values.get("category_id") or None,
        "language": values.get("language") or "vi",
        "relationships": [
            {
                "kind": values.get(f"rel-{i}-kind", "colleague"),
                "name": values.get(f"rel-{i}-name", ""),
                "email": values.get(f"rel-{i}-email", "").strip() or None,
                "organisation": values.get(f"rel-{i}-organisation", ""),
            }
            for i in rows
        ],
    }
    return data, rows


@router.post("/staff/councils/{council_id}/members", response_class=HTMLResponse)
async def member_post(
    council_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> Response:
    values = form_values(await request.form())
    values["form"] = f"member-{council_id}"
    data, rows = member_data(values)

    def name_of(loc: tuple[int | str, ...]) -> str:
        if len(loc) >= 3 and loc[0] == "relationships" and isinstance(loc[1], int):
            return f"rel-{rows[loc[1]]}-{loc[2]}"
        return str(loc[0]) if loc else ""

    async with runtime.db.reading() as session:
        contest_id = (await council_or_404(session, council_id)).contest_id
    try:
        body = validate(MemberIn, data, translator_for(request), name_of)
        async with runtime.db.transaction() as session:
            await add_member(session, who, council_id, body)
    except (FormInvalid, ApiError) as problem:
        return await _councils_page(request, runtime, contest_id, values, problem, _status(problem))
    return redirect(f"/staff/contests/{contest_id}/councils?done=member#council-{council_id}")


@router.post("/staff/councils/{council_id}/members/{member_id}/remove", response_class=HTMLResponse)
async def member_remove(
    council_id: str, member_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> Response:
    async with runtime.db.reading() as session:
        contest_id = (await council_or_404(session, council_id)).contest_id
    try:
        async with runtime.db.transaction() as session:
            await remove_member(session, who, council_id, member_id)
    except ApiError as problem:
        values = {"form": f"member-{council_id}"}
        return await _councils_page(request, runtime, contest_id, values, problem, problem.status)
    return redirect(f"/staff/contests/{contest_id}/councils?done=removed#council-{council_id}")
