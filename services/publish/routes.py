"""Contests as JSON and the contests' Atom feed (the pages are in site/, the newsrooms' feeds
in feeds/)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from shared.contracts.base import utc_now
from shared.web import Runtime

from .views import contest_summaries

router = APIRouter(tags=["public"])
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")  # the Atom file


@router.get("/api/contests", summary="Published contests with the number of entries received")
async def contests_json(runtime: Runtime) -> list[dict[str, Any]]:
    async with runtime.db.reading() as session:
        return [asdict(c) for c in await contest_summaries(session)]


@router.get("/api/contests/{code}", summary="One published contest")
async def contest_json(code: str, runtime: Runtime) -> dict[str, Any]:
    async with runtime.db.reading() as session:
        found = await contest_summaries(session, code)
    if not found:
        raise HTTPException(404, "Không tìm thấy cuộc thi. / Contest not found.")
    return asdict(found[0])


@router.get("/feeds/contests.atom", summary="Atom feed of contest news")
async def contests_feed(request: Request, runtime: Runtime) -> Response:
    async with runtime.db.reading() as session:
        contests = await contest_summaries(session)
    body = templates.get_template("contests.atom").render(
        contests=contests, base=str(request.base_url).rstrip("/"), updated=utc_now().isoformat()
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")
