"""Server-rendered pages of the submissions service, Vietnamese first, English on request."""

from __future__ import annotations

from . import account, contest_editor, entries, organizer, public, screening
from .rendering import page_router

router = page_router()
for _area in (public, account, entries, screening, organizer, contest_editor):
    router.include_router(_area.router)

__all__ = ["router"]
