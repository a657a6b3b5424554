"""The juror's pages: my rounds, my assignments in a round, one entry with its files and the
score form, a conflict declared. Every read and write goes through the scoring use cases, so
a juror sees exactly what the API would show them (nothing of the authors in a blind round)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, Role
from shared.errors import ApiError
from shared.pages.rendering import Forbidden, SignInRequired, Viewer, redirect
from shared.web import Runtime

from ..ballots.service import open_ballot_no
from ..models import Assignment
from ..rounds.service import criteria_of
from ..scoring.media import blind_name, reading_copy
from ..scoring.schemas import ConflictIn, ScoreIn
from ..scoring.service import (
    declare_conflict,
    entry_for_juror,
    my_assignment_page,
    my_rounds,
    save_score,
    whereabouts,
)
from .forms import FormInvalid, FormValues, form_state, form_values, parse_number, validate
from .rendering import SCORE_STATUS_LABELS, JurorPage, page_router, render, translator_for

router = page_router()
BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class FileView:
    """One of an entry's files as the juror page shows it: never its original name."""

    file_id: str
    kind: str
    media_type: str
    url: str
    name: str  # the entry code and the file's position, e.g. BC-001-2.pdf
    number: int = 0  # images: position in the series
    paragraphs: list[str] = field(default_factory=list)  # texts: the reading copy


def paragraphs_of(text: str) -> list[str]:
    """A reading copy split on blank lines; single line breaks stay inside a paragraph."""
    return [p.strip() for p in BLANK_LINES.split(text.replace("\r\n", "\n")) if p.strip()]


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, runtime: Runtime, who: Viewer) -> Response:
    if who is None:
        raise SignInRequired
    if not who.has_any(Role.JUROR):
        if who.has_any(Role.SECRETARIAT, Role.ORGANIZER):
            return redirect("/staff")
        raise Forbidden
    async with runtime.db.reading() as session:
        found = await my_rounds(session, who)
        ballots = {
            p.round.round_id: await open_ballot_no(session, p.round.round_id)
            for p in found
            if p.round.ballot_enabled and p.round.status == "released"
        }
    return render(request, "juror_home.html", {"rounds": found, "ballots": ballots})


@router.get("/rounds/{round_id}", response_class=HTMLResponse)
async def round_page(
    round_id: str,
    request: Request,
    runtime: Runtime,
    who: JurorPage,
    status: str = "",
    page: int = 1,
) -> HTMLResponse:
    chosen = status if status in SCORE_STATUS_LABELS else ""
    async with runtime.db.reading() as session:
        found = await my_assignment_page(session, who, round_id, chosen or None, page)
        ballot = found.round.ballot_enabled and await open_ballot_no(session, round_id) is not None
    context = {
        "round": found.round,
        "member": found.member,
        "rows": found.rows,
        "counts": found.counts,
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "status": chosen,
        "ballot_open": ballot,
        "notice": request.query_params.get("done", ""),
    }
    return render(request, "juror_round.html", context)


async def _entry_page(
    request: Request,
    runtime: Runtime,
    session: AsyncSession,
    who: Principal,
    assignment_id: str,
    values: FormValues | None = None,
    problem: FormInvalid | ApiError | None = None,
    status: int = 200,
) -> HTMLResponse:
    t = translator_for(request)
    found = await entry_for_juror(session, who, assignment_id)
    place = await whereabouts(session, found.assignment, found.entry)
    entry, score = found.entry, found.score
    images = sum(1 for f in entry.files if f["kind"] == "image")
    files: list[FileView] = []
    image_number = 0
    for position, f in enumerate(entry.files, start=1):
        image_number += f["kind"] == "image"
        text = (
            await reading_copy(runtime.storage, entry.files, f["file_id"])
            if f.get("text_key")
            else ""
        )
        files.append(
            FileView(
                file_id=f["file_id"],
                kind=f["kind"],
                media_type=f["media_type"],
                url=f"/api/my/assignments/{assignment_id}/files/{f['file_id']}",
                name=blind_name(entry.code, position, f["media_type"]),
                number=image_number if f["kind"] == "image" else 0,
                paragraphs=paragraphs_of(text),
            )
        )
    criteria = criteria_of(found.round)
    stored = score.points if score else {}
    shown = {f"points-{c.code}": _typed(stored.get(c.code)) for c in criteria}
    shown["comment"] = score.comment if score else ""
    shown.update(values or {})  # what was typed wins over what is stored
    form = form_state(request, shown, problem)
    for c in criteria:  # each problem names its criterion «like this»: show it there too
        for p in form["problems"]:
            if f"«{c.name}»" in p:
                form["e"].setdefault(f"points-{c.code}", t.pick(p))
    context = {
        "a": found,
        "entry": entry,
        "score": score,
        "files": files,
        "images": images,
        "criteria": criteria,
        **form,
        "previous": place.previous,
        "next": place.next,
        "position": place.position,
        "count": place.count,
    }
    return render(request, "juror_entry.html", context, status)


def _typed(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


@router.get("/assignments/{assignment_id}", response_class=HTMLResponse)
async def entry_page(
    assignment_id: str, request: Request, runtime: Runtime, who: JurorPage
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        return await _entry_page(request, runtime, session, who, assignment_id)


async def _again(
    request: Request,
    runtime: Runtime,
    who: Principal,
    assignment_id: str,
    values: FormValues,
    problem: FormInvalid | ApiError,
) -> HTMLResponse:
    status = problem.status if isinstance(problem, ApiError) else 422
    async with runtime.db.reading() as session:
        return await _entry_page(
            request, runtime, session, who, assignment_id, values, problem, status
        )


@router.post("/assignments/{assignment_id}/score", response_class=HTMLResponse)
async def score_post(
    assignment_id: str, request: Request, runtime: Runtime, who: JurorPage
) -> Response:
    values = form_values(await request.form())
    submit = values.get("action") == "submit"
    points = {
        name.removeprefix("points-"): parse_number(text)
        for name, text in values.items()
        if name.startswith("points-")
    }
    data = {"points": points, "comment": values.get("comment", ""), "submit": submit}
    try:
        body = validate(ScoreIn, data, translator_for(request), lambda loc: str(loc[0]))
        async with runtime.db.transaction() as session:
            await save_score(
                session, runtime.outbox, who, assignment_id, body.points, body.comment, submit
            )
    except (FormInvalid, ApiError) as problem:
        return await _again(request, runtime, who, assignment_id, values, problem)
    done = "submitted" if submit else "draft"
    return redirect(f"/assignments/{assignment_id}?done={done}")


@router.post("/assignments/{assignment_id}/conflict", response_class=HTMLResponse)
async def conflict_post(
    assignment_id: str, request: Request, runtime: Runtime, who: JurorPage
) -> Response:
    values = form_values(await request.form())
    try:
        body = validate(
            ConflictIn,
            {"reason": values.get("reason", "")},
            translator_for(request),
            lambda loc: "reason",
        )
        async with runtime.db.transaction() as session:
            await declare_conflict(session, who, assignment_id, body.reason)
            ended = await session.get(Assignment, assignment_id)
            assert ended is not None
            round_id = ended.round_id
    except (FormInvalid, ApiError) as problem:
        return await _again(request, runtime, who, assignment_id, values, problem)
    return redirect(f"/rounds/{round_id}?done=conflict")
