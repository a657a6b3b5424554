"""Server-rendered pages of the notify service, Vietnamese first, English on request: the
delivery log and its resend button, the e-mail template previews, the local test mailbox, the
organizer's announcements and each person's notification choices."""

from __future__ import annotations

from fastapi import Request, Response

from . import announcements, deliveries, mail, own_preferences, previews
from .rendering import STATIC, page_router, pages

router = page_router()
for _area in (deliveries, previews, mail, announcements, own_preferences):
    router.include_router(_area.router)


@router.get("/lang/{code}")
async def switch_language(code: str, request: Request, next: str = "/") -> Response:
    return pages.switch_language(request, code, next)


__all__ = ["STATIC", "router"]
