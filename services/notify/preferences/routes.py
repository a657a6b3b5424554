"""A person's own channel choices, and the unsubscribe link every non-essential message carries
(opened in a browser, or posted by the mail client per RFC 8058 one-click)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel

from shared.pages.rendering import redirect
from shared.web import Runtime

from ..deps import SignedIn
from ..domain.preferences import BadUnsubscribeToken
from ..pages.rendering import render
from . import service

router = APIRouter(tags=["preferences"])

BAD_LINK = (
    "Liên kết huỷ nhận không hợp lệ hoặc đã bị sửa. / "
    "This unsubscribe link is not valid or was altered."
)


class PreferencesIO(BaseModel):
    email: bool
    zalo: bool


@router.get("/api/my/preferences", response_model=PreferencesIO)
async def my_preferences(runtime: Runtime, who: SignedIn) -> PreferencesIO:
    async with runtime.db.reading() as session:
        choices = await service.preferences_of(session, await service.addresses_of(session, who))
    return PreferencesIO(**choices)


@router.put("/api/my/preferences", response_model=PreferencesIO)
async def set_my_preferences(data: PreferencesIO, runtime: Runtime, who: SignedIn) -> PreferencesIO:
    async with runtime.db.transaction() as session:
        await service.set_own(session, who, data.model_dump(), source="api")
    return data


def _unsubscribe_page(
    request: Request, context: dict[str, object], status: int = 200
) -> HTMLResponse:
    return render(request, "unsubscribe.html", context, status=status)


@router.get("/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
async def unsubscribe_page(request: Request, runtime: Runtime, token: str = "") -> HTMLResponse:
    async with runtime.db.transaction() as session:
        try:
            recipient, channel = await service.recipient_of_token(session, token)
        except BadUnsubscribeToken:
            return _unsubscribe_page(request, {"problem": BAD_LINK}, status=400)
        enabled = channel not in await service.disabled_channels(session, recipient)
    context = {"token": token, "recipient": recipient, "channel": channel, "enabled": enabled}
    return _unsubscribe_page(request, context)


@router.post("/unsubscribe", include_in_schema=False)
async def unsubscribe(request: Request, runtime: Runtime, token: str = "") -> Response:
    """Turn the channel off (or back on, from the page's "subscribe again" button)."""
    form = await request.form()
    token = token or str(form.get("token", ""))
    one_click = form.get("List-Unsubscribe") == "One-Click"
    enabled = form.get("enabled") == "1"
    async with runtime.db.transaction() as session:
        try:
            recipient, channel = await service.recipient_of_token(session, token)
        except BadUnsubscribeToken:
            if one_click:
                return PlainTextResponse(BAD_LINK, status_code=400)
            return _unsubscribe_page(request, {"problem": BAD_LINK}, status=400)
        source = "one-click" if one_click else "unsubscribe link"
        await service.set_preference(session, recipient, channel, enabled, source)
    if one_click:
        return PlainTextResponse("Đã huỷ nhận / unsubscribed")
    return redirect(f"/unsubscribe?token={token}&done={'on' if enabled else 'off'}")
