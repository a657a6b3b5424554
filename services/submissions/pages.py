"""Server-rendered pages of the submissions service."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from shared.contracts.submissions import CategoryRules
from shared.web import Runtime

from .contests.service import phases_of
from .domain.submission import submission_window
from .entries.service import KIND_NAMES, human_size
from .models import Contest

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, runtime: Runtime) -> HTMLResponse:
    async with runtime.db.reading() as session:
        contests = list(
            await session.scalars(
                sa.select(Contest).where(Contest.version > 0).order_by(Contest.code)
            )
        )
        view = []
        for contest in contests:
            window = submission_window(phases_of(contest))
            tz = ZoneInfo(contest.timezone)
            view.append(
                {
                    "code": contest.code,
                    "title": contest.title,
                    "theme": contest.theme,
                    "organizer": contest.organizer,
                    "deadline": window.ends_at.astimezone(tz).strftime("%H:%M %d/%m/%Y")
                    if window
                    else None,
                    "categories": [
                        {
                            "code": c.code,
                            "name": c.name,
                            "kinds": ", ".join(
                                KIND_NAMES[k]
                                for k in CategoryRules.model_validate(c.rules).allowed_kinds
                            ),
                            "max_size": human_size(c.rules["max_file_bytes"]),
                        }
                        for c in contest.categories
                    ],
                }
            )
    return templates.TemplateResponse(request, "home.html", {"contests": view})
