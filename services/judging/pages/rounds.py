"""The secretariat's round pages: create a round, then follow it — assign, release, move an
assignment, remind jurors, reopen a score, change the deadline, run the ballots, close."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from shared.auth import Principal
from shared.errors import ApiError
from shared.pages.rendering import redirect
from shared.web import Runtime

from ..ballots.service import close_ballot, open_ballot_no, runs_of
from ..ballots.views import open_by_codes
from ..councils.service import contest_or_404, councils_of
from ..deps import judging_settings
from ..domain.criteria import DEFAULT_CRITERIA
from ..reminders.service import remind_now
from ..rounds.assignment import assign, move
from ..rounds.schemas import CloseIn, DeadlineIn, MoveIn, ReasonIn, RemindIn, RoundIn
from ..rounds.service import (
    close,
    create_round,
    extend_deadline,
    jurors_of,
    release,
    round_or_404,
)
from ..rounds.views import assignments_of, progress_of, rounds_of
from ..scoring.service import reopen
from .forms import (
    FormInvalid,
    FormValues,
    form_state,
    form_values,
    moment_value,
    parse_moment,
    validate,
)
from .rendering import StaffPage, page_router, render, translator_for

router = page_router()
CRITERIA_ROWS = 6
CRITERION_FIELDS = ("code", "name", "description", "max_points", "weight")
Problem = FormInvalid | ApiError


def _status(problem: Problem) -> int:
    return problem.status if isinstance(problem, ApiError) else 422


def _number(text: str | None) -> str | None:
    """A typed number for pydantic (a decimal comma allowed); None when left empty."""
    text = (text or "").strip().replace(",", ".")
    return text or None


# --- a new round -----------------------------------------------------------------------------


def round_defaults(kind: str) -> FormValues:
    values: FormValues = {
        "kind": kind,
        "name": "Vòng chung khảo" if kind == "final" else "Vòng sơ khảo",
        "jurors_per_entry": "3",
        "blind": "1",
        "method": "mean",
        "advance_top_n": "10",
        "award_mode": "ballot_then_score",
        "ballot_enabled": "1",
        "ballot_majority": "0.5",
        "reminder_hours": "72, 24",
    }
    for i, c in enumerate(DEFAULT_CRITERIA):
        values |= {
            f"criterion-{i}-code": c.code,
            f"criterion-{i}-name": c.name,
            f"criterion-{i}-description": c.description,
            f"criterion-{i}-max_points": f"{c.max_points:g}",
            f"criterion-{i}-weight": f"{c.weight:g}",
        }
    return values


async def _new_round_page(
    request: Request,
    runtime: Runtime,
    who: Principal,
    contest_id: str,
    values: FormValues,
    problem: Problem | None = None,
    status: int = 200,
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        contest = await contest_or_404(session, contest_id)
        councils = [c for c, _ in await councils_of(session, contest_id)]
        rounds = await rounds_of(session, contest_id)
    context = {
        "contest": contest,
        "councils": councils,
        "previous_rounds": [r for r in rounds if r.kind == "preliminary"],
        "criteria_rows": range(CRITERIA_ROWS),
        **form_state(request, values, problem),
    }
    return render(request, "round_new.html", context, status)


@router.get("/staff/contests/{contest_id}/rounds/new", response_class=HTMLResponse)
async def new_round_page(
    contest_id: str, request: Request, runtime: Runtime, who: StaffPage, kind: str = ""
) -> HTMLResponse:
    values = round_defaults("final" if kind == "final" else "preliminary")
    return await _new_round_page(request, runtime, who, contest_id, values)


def round_data(values: FormValues) -> tuple[dict[str, Any], list[int], dict[str, str]]:
    """The round form as RoundIn's data, the criteria rows used, and problems found here."""
    rows = [
        i
        for i in range(CRITERIA_ROWS)
        if values.get(f"criterion-{i}-code", "").strip()
        or values.get(f"criterion-{i}-name", "").strip()
    ]
    errors: dict[str, str] = {}
    deadline = parse_moment(values.get("deadline", ""))
    hours = [h.strip() for h in values.get("reminder_hours", "").split(",") if h.strip()]
    final = values.get("kind") == "final"
    data: dict[str, Any] = {
        "council_id": values.get("council_id", ""),
        "kind": values.get("kind", ""),
        "name": values.get("name", ""),
        "criteria": [
            {
                "code": values.get(f"criterion-{i}-code", "").strip(),
                "name": values.get(f"criterion-{i}-name", ""),
                "description": values.get(f"criterion-{i}-description", "").strip(),
                "max_points": _number(values.get(f"criterion-{i}-max_points")),
                "weight": _number(values.get(f"criterion-{i}-weight")),
            }
            for i in rows
        ],
        "jurors_per_entry": _number(values.get("jurors_per_entry")),
        "deadline": deadline.isoformat() if deadline else values.get("deadline", ""),
        "blind": values.get("blind") == "1",
        "method": values.get("method", "mean"),
        "advance_top_n": None if final else _number(values.get("advance_top_n")),
        "advance_threshold": None if final else _number(values.get("advance_threshold")),
        "previous_round_id": (values.get("previous_round_id") or None) if final else None,
        "award_mode": (values.get("award_mode") or None) if final else None,
        "ballot_enabled": final and values.get("ballot_enabled") == "1",
        "ballot_quorum": _number(values.get("ballot_quorum")) if final else None,
        "ballot_majority": _number(values.get("ballot_majority")) or "0.5",
        "reminder_hours": hours,
    }
    return data, rows, errors


@router.post("/staff/contests/{contest_id}/rounds", response_class=HTMLResponse)
async def new_round_post(
    contest_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> Response:
    values = form_values(await request.form())
    data, rows, errors = round_data(values)

    def name_of(loc: tuple[int | str, ...]) -> str:
        if len(loc) >= 3 and loc[0] == "criteria" and isinstance(loc[1], int):
            return f"criterion-{rows[loc[1]]}-{loc[2]}"
        return str(loc[0]) if loc else ""

    try:
        body = validate(RoundIn, data, translator_for(request), name_of, errors)
        async with runtime.db.transaction() as session:
            round_id = (await create_round(session, who, contest_id, body)).round_id
    except (FormInvalid, ApiError) as problem:
        return await _new_round_page(
            request, runtime, who, contest_id, values, problem, _status(problem)
        )
    return redirect(f"/staff/rounds/{round_id}?done=created")


# --- following a round -----------------------------------------------------------------------


async def _round_page(
    request: Request,
    runtime: Runtime,
    who: Principal,
    round_id: str,
    values: FormValues | None = None,
    problem: Problem | None = None,
    status: int = 200,
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        round_ = await round_or_404(session, round_id)
        contest = await contest_or_404(session, round_.contest_id)
        council = next(
            (
                c
                for c, _ in await councils_of(session, round_.contest_id)
                if c.council_id == round_.council_id
            ),
            None,
        )
        jurors = list(await jurors_of(session, round_))
        runs = await runs_of(session, round_id) if round_.ballot_enabled else []
        ballot_open = round_.ballot_enabled and await open_ballot_no(session, round_id) is not None
        listed = await assignments_of(session, round_id)
        progress = await progress_of(session, round_id)
    per_entry = Counter(a.entry_code for a in listed if a.active)
    short = sorted(code for code, n in per_entry.items() if n < round_.jurors_per_entry)
    v = {"deadline": moment_value(round_.deadline), **(values or {})}
    context = {
        "round": round_,
        "contest": contest,
        "council": council,
        "jurors": jurors,
        "assignments": listed,
        "progress": progress,
        "short": short,
        "missing": progress.assigned - progress.submitted,
        "runs": runs,
        "ballot_open": ballot_open,
        **form_state(request, v, problem),
        "failed": v.get("form", "") if problem else "",
        "reminded": request.query_params.get("n", ""),
    }
    return render(request, "round.html", context, status)


@router.get("/staff/rounds/{round_id}", response_class=HTMLResponse)
async def round_page(
    round_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> HTMLResponse:
    return await _round_page(request, runtime, who, round_id)


async def _after(
    request: Request,
    runtime: Runtime,
    who: Principal,
    round_id: str,
    values: FormValues,
    problem: Problem,
) -> HTMLResponse:
    return await _round_page(request, runtime, who, round_id, values, problem, _status(problem))


@router.post("/staff/rounds/{round_id}/assign", response_class=HTMLResponse)
async def assign_post(
    round_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> Response:
    try:
        async with runtime.db.transaction() as session:
            await assign(session, who, round_id)
    except ApiError as problem:
        return await _after(request, runtime, who, round_id, {"form": "assign"}, problem)
    return redirect(f"/staff/rounds/{round_id}?done=assigned")


@router.post("/staff/rounds/{round_id}/release", response_class=HTMLResponse)
async def release_post(
    round_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> Response:
    url = judging_settings(runtime).public_url
    try:
        async with runtime.db.transaction() as session:
            await release(session, runtime.outbox, who, round_id, url)
    except ApiError as problem:
        return await _after(request, runtime, who, round_id, {"form": "release"}, problem)
    return redirect(f"/staff/rounds/{round_id}?done=released")


@router.post("/staff/rounds/{round_id}/close", response_class=HTMLResponse)
async def close_post(round_id: str, request: Request, runtime: Runtime, who: StaffPage) -> Response:
    values = form_values(await request.form())
    values["form"] = "close"
    try:
        body = validate(
            CloseIn,
            {"unfinished_reason": values.get("unfinished_reason") or None},
            translator_for(request),
        )
        async with runtime.db.transaction() as session:
            await close(session, runtime.outbox, who, round_id, body)
    except (FormInvalid, ApiError) as problem:
        return await _after(request, runtime, who, round_id, values, problem)
    return redirect(f"/staff/rounds/{round_id}?done=closed")


@router.post("/staff/rounds/{round_id}/deadline", response_class=HTMLResponse)
async def deadline_post(
    round_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> Response:
    values = form_values(await request.form())
    values["form"] = "deadline"
    moment = parse_moment(values.get("deadline", ""))
    data = {
        "deadline": moment.isoformat() if moment else values.get("deadline", ""),
        "reason": values.get("deadline_reason", ""),
    }

    def name_of(loc: tuple[int | str, ...]) -> str:
        return "deadline" if loc and loc[0] == "deadline" else "deadline_reason"

    try:
        body = validate(DeadlineIn, data, translator_for(request), name_of)
        async with runtime.db.transaction() as session:
            await extend_deadline(session, who, round_id, body)
    except (FormInvalid, ApiError) as problem:
        return await _after(request, runtime, who, round_id, values, problem)
    return redirect(f"/staff/rounds/{round_id}?done=deadline")


@router.post("/staff/rounds/{round_id}/remind", response_class=HTMLResponse)
async def remind_post(
    round_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> Response:
    values = form_values(await request.form())
    values["form"] = "remind"
    member = values.get("member_id") or None
    data = {"member_ids": [member] if member else None, "note": values.get("note", "")}
    url = judging_settings(runtime).public_url
    try:
        body = validate(RemindIn, data, translator_for(request))
        async with runtime.db.transaction() as session:
            reminded = await remind_now(
                session, runtime.outbox, who, round_id, body.member_ids, body.note, url
            )
    except (FormInvalid, ApiError) as problem:
        return await _after(request, runtime, who, round_id, values, problem)
    return redirect(f"/staff/rounds/{round_id}?done=reminded&n={len(reminded)}")


@router.post("/staff/rounds/{round_id}/ballots/open", response_class=HTMLResponse)
async def ballot_open_post(
    round_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> Response:
    values = form_values(await request.form())
    values["form"] = "ballot"
    codes = [c.strip() for c in values.get("entry_codes", "").replace(";", ",").split(",")]
    try:
        async with runtime.db.transaction() as session:
            await open_by_codes(session, who, round_id, [c for c in codes if c] or None)
    except ApiError as problem:
        return await _after(request, runtime, who, round_id, values, problem)
    return redirect(f"/staff/rounds/{round_id}?done=ballot_opened")


@router.post("/staff/rounds/{round_id}/ballots/close", response_class=HTMLResponse)
async def ballot_close_post(
    round_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> Response:
    try:
        async with runtime.db.transaction() as session:
            await close_ballot(session, who, round_id)
    except ApiError as problem:
        return await _after(request, runtime, who, round_id, {"form": "ballot"}, problem)
    return redirect(f"/staff/rounds/{round_id}?done=ballot_closed")


# --- one assignment: move it, reopen its score ----------------------------------------------


async def _assignment_page(
    request: Request,
    runtime: Runtime,
    who: Principal,
    round_id: str,
    assignment_id: str,
    values: FormValues | None = None,
    problem: Problem | None = None,
    status: int = 200,
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        round_ = await round_or_404(session, round_id)
        jurors = list(await jurors_of(session, round_))
        listed = await assignments_of(session, round_id)
    found = next((a for a in listed if a.assignment_id == assignment_id), None)
    if found is None:
        raise ApiError(404, "Không tìm thấy phân công. / Assignment not found.")
    context = {
        "round": round_,
        "a": found,
        "history": [a for a in listed if a.entry_id == found.entry_id],
        "jurors": [j for j in jurors if j.member_id != found.member_id],
        **form_state(request, values, problem),
    }
    return render(request, "assignment.html", context, status)


@router.get("/staff/rounds/{round_id}/assignments/{assignment_id}", response_class=HTMLResponse)
async def assignment_page(
    round_id: str, assignment_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> HTMLResponse:
    return await _assignment_page(request, runtime, who, round_id, assignment_id)


@router.post(
    "/staff/rounds/{round_id}/assignments/{assignment_id}/move", response_class=HTMLResponse
)
async def move_post(
    round_id: str, assignment_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> Response:
    values = form_values(await request.form())
    data = {
        "assignment_id": assignment_id,
        "to_member_id": values.get("to_member_id", ""),
        "reason": values.get("move_reason", ""),
    }

    def name_of(loc: tuple[int | str, ...]) -> str:
        return "to_member_id" if loc and loc[0] == "to_member_id" else "move_reason"

    try:
        body = validate(MoveIn, data, translator_for(request), name_of)
        async with runtime.db.transaction() as session:
            await move(session, who, round_id, body)
    except (FormInvalid, ApiError) as problem:
        return await _assignment_page(
            request, runtime, who, round_id, assignment_id, values, problem, _status(problem)
        )
    return redirect(f"/staff/rounds/{round_id}?done=moved")


@router.post(
    "/staff/rounds/{round_id}/assignments/{assignment_id}/reopen", response_class=HTMLResponse
)
async def reopen_post(
    round_id: str, assignment_id: str, request: Request, runtime: Runtime, who: StaffPage
) -> Response:
    values = form_values(await request.form())
    try:
        body = validate(
            ReasonIn,
            {"reason": values.get("reopen_reason", "")},
            translator_for(request),
            lambda loc: "reopen_reason",
        )
        async with runtime.db.transaction() as session:
            await reopen(session, who, assignment_id, body.reason)
    except (FormInvalid, ApiError) as problem:
        return await _assignment_page(
            request, runtime, who, round_id, assignment_id, values, problem, _status(problem)
        )
    return redirect(f"/staff/rounds/{round_id}?done=reopened")
