"""Server-rendered pages of the judging service, Vietnamese first, English on request: the
juror's rounds, entries, score form and ballot; the secretariat's councils, rounds and
results; the organizer's approval."""

from __future__ import annotations

from fastapi import Request, Response

from . import ballot, councils, juror, results, rounds
from .rendering import page_router, pages

router = page_router()
for _area in (juror, ballot, councils, rounds, results):
    router.include_router(_area.router)


@router.get("/lang/{code}")
async def switch_language(code: str, request: Request, next: str = "/") -> Response:
    return pages.switch_language(request, code, next)


__all__ = ["router"]
