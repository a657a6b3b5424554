"""Server-rendered pages of the publish service, Vietnamese first, English on request. Each
feature keeps its own pages beside its code; this holds the kit and the language switch."""

from __future__ import annotations

from fastapi import Request, Response

from .rendering import STATIC, page_router, pages

router = page_router()


@router.get("/lang/{code}")
async def switch_language(code: str, request: Request, next: str = "/") -> Response:
    return pages.switch_language(request, code, next)


__all__ = ["STATIC", "router"]
