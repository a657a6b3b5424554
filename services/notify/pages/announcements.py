"""The organizer's announcement page: choose a contest and a group, write, preview, send."""

from __future__ import annotations

import json
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from shared.auth import Principal, Role
from shared.errors import ApiError
from shared.pages.rendering import redirect, signed_in
from shared.runtime import ServiceRuntime
from shared.web import Runtime

from ..announcements import service
from ..announcements.schemas import AnnouncementIn
from ..deps import notify_settings
from ..models import Contest
from ..planning import Planner
from .rendering import page_router, render

router = page_router()

OrganizerPage = Annotated[Principal, Depends(signed_in(Role.ORGANIZER))]
AUDIENCES = ("contestants", "category", "jurors")


async def _page(
    request: Request,
    runtime: ServiceRuntime,
    contest_id: str,
    form: dict[str, Any],
    *,
    problem: str | None = None,
    preview: tuple[int, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        contests = list(await session.scalars(sa.select(Contest).order_by(Contest.title)))
        chosen = next((c for c in contests if c.contest_id == contest_id), None)
        if chosen is None and contests:
            chosen = contests[0]
        past = await service.announcements_of(session, chosen.contest_id) if chosen else []
    context = {
        "contests": contests,
        "contest": chosen,
        "categories": json.loads(chosen.categories) if chosen else [],
        "past": past,
        "form": form,
        "problem": problem,
        "preview": preview,
        "audiences": AUDIENCES,
    }
    return render(request, "announcements.html", context, status=status)


@router.get("/announcements", response_class=HTMLResponse)
async def announcements_page(
    request: Request, runtime: Runtime, _: OrganizerPage, contest_id: str = ""
) -> HTMLResponse:
    form = {"audience": "contestants", "channels": ["email"]}
    return await _page(request, runtime, contest_id, form)


def _read(form: dict[str, Any]) -> AnnouncementIn:
    return AnnouncementIn(
        audience=form.get("audience", "contestants"),
        category_id=form.get("category_id") or None,
        subject=form.get("subject", ""),
        body=form.get("body", ""),
        channels=tuple(form.get("channels") or ()),
    )


def _problem(error: ValidationError) -> str:
    fields = {str(e["loc"][0]) for e in error.errors()}
    if "subject" in fields:
        return (
            "Tiêu đề cần có, dài tối đa 200 ký tự, trên một dòng. / "
            "A subject is needed: up to 200 characters, on one line."
        )
    if "body" in fields:
        return "Nội dung cần có, tối đa 10.000 ký tự. / A message of up to 10,000 characters."
    return "Hãy chọn nhóm nhận và ít nhất một kênh. / Choose a group and at least one channel."


@router.post("/announcements", response_class=HTMLResponse)
async def send_or_preview(request: Request, runtime: Runtime, who: OrganizerPage) -> Response:
    raw = await request.form()
    form: dict[str, Any] = {key: str(raw.get(key, "")) for key in raw if key != "channels"}
    form["channels"] = [str(c) for c in raw.getlist("channels")]
    contest_id = form.get("contest_id", "")
    try:
        data = _read(form)
        if not data.channels:
            raise ApiError(422, "Hãy chọn ít nhất một kênh. / Choose at least one channel.")
        if form.get("action") == "preview":
            async with runtime.db.reading() as session:
                preview = await service.preview(
                    session, contest_id, data, notify_settings(runtime).public_url
                )
            return await _page(request, runtime, contest_id, form, preview=preview)
        async with runtime.db.transaction() as session:
            sent = await service.send(
                session, Planner(notify_settings(runtime)), who, contest_id, data
            )
    except ValidationError as error:
        return await _page(request, runtime, contest_id, form, problem=_problem(error), status=422)
    except ApiError as error:
        return await _page(
            request, runtime, contest_id, form, problem=error.message, status=error.status
        )
    return redirect(f"/announcements?contest_id={contest_id}&sent={sent.recipients}")
