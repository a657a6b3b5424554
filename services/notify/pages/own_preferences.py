"""A signed-in person's own page: which non-essential messages reach them, and how."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from shared.auth import Principal
from shared.pages.rendering import redirect, signed_in
from shared.web import Runtime

from ..preferences import service
from .rendering import page_router, render

router = page_router()

Person = Annotated[Principal, Depends(signed_in())]


@router.get("/preferences", response_class=HTMLResponse)
async def preferences_page(request: Request, runtime: Runtime, who: Person) -> HTMLResponse:
    async with runtime.db.reading() as session:
        addresses = await service.addresses_of(session, who)
        choices = await service.preferences_of(session, addresses)
    phones = [a for a in addresses if "@" not in a]
    context = {"choices": choices, "email": who.email, "phones": phones}
    return render(request, "preferences.html", context)


@router.post("/preferences")
async def save_preferences(request: Request, runtime: Runtime, who: Person) -> Response:
    form = await request.form()
    choices = {channel: form.get(channel) == "on" for channel in ("email", "zalo")}
    async with runtime.db.transaction() as session:
        await service.set_own(session, who, choices, source="page")
    return redirect("/preferences?saved=1")
