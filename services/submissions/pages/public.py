"""Pages anyone can read: the open contests, and each contest with its rules."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import HTMLResponse

from shared.contracts.base import utc_now
from shared.contracts.submissions import Phase
from shared.errors import ApiError
from shared.web import Runtime

from ..contests.schemas import ContestOut
from ..contests.service import contest_out
from ..domain.submission import submission_window
from ..models import Contest
from .rendering import page_router, render

router = page_router()
NOT_FOUND = "Không tìm thấy cuộc thi. / Contest not found."


@dataclass(frozen=True)
class ContestView:
    contest: ContestOut
    tz: str
    window: Phase | None
    state: str  # open | not_yet | closed | none


def contest_view(contest: Contest) -> ContestView:
    rules_url = f"/api/contests/{contest.contest_id}/rules.pdf" if contest.rules_pdf_key else None
    out = contest_out(contest, rules_url)
    window = submission_window(out.phases)
    now = utc_now()
    if window is None:
        state = "none"
    elif now < window.starts_at:
        state = "not_yet"
    elif now > window.ends_at:
        state = "closed"
    else:
        state = "open"
    return ContestView(out, contest.timezone, window, state)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, runtime: Runtime) -> HTMLResponse:
    async with runtime.db.reading() as session:
        contests = await session.scalars(
            sa.select(Contest).where(Contest.version > 0).order_by(Contest.code)
        )
        views = [contest_view(c) for c in contests]
    return render(
        request,
        "home.html",
        {
            "current": [v for v in views if v.state != "closed"],
            "closed": [v for v in views if v.state == "closed"],
        },
    )


@router.get("/contests/{code}", response_class=HTMLResponse)
async def contest_page(code: str, request: Request, runtime: Runtime) -> HTMLResponse:
    async with runtime.db.reading() as session:
        contest = await session.scalar(
            sa.select(Contest).where(Contest.code == code, Contest.version > 0)
        )
        if contest is None:
            raise ApiError(404, NOT_FOUND)
        view = contest_view(contest)
    return render(request, "contest.html", {"v": view})
