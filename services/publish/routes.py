"""Contests as JSON (the pages are in site/, the feeds in feeds/)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse

from shared.web import Runtime

from .views import contest_summaries

router = APIRouter(tags=["public"])


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


@router.get("/feeds/contests.atom", include_in_schema=False)
async def contests_feed() -> RedirectResponse:
    """The contests' first feed: its entries are in the one Atom feed now."""
    return RedirectResponse("/feeds/atom.xml", status_code=301)
