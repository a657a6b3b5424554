"""Rendering the notify pages: the shared page kit with this service's templates, catalogue
and labels, and the role check of its pages.

People sign in on the submissions service, whose address is a setting of this one, so the kit
builds the sign-in link from the running service's settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, cast
from urllib.parse import quote

from fastapi import Depends, Request

from shared.auth import Principal, Role
from shared.pages.i18n import N_, Catalogues, Translator
from shared.pages.rendering import PageKit, signed_in
from shared.web import get_runtime

from ..settings import NotifySettings

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE.parent / "templates" / "pages"
STATIC = HERE.parent / "static"
CATALOGUES = Catalogues(HERE.parent / "locales")
translator = CATALOGUES.translator

STATUS_LABELS = {
    "queued": N_("Chờ gửi"),
    "sending": N_("Đang gửi"),
    "sent": N_("Đã gửi"),
    "delivered": N_("Đã đến nơi"),
    "failed": N_("Thất bại"),
    "bounced": N_("Bị trả lại"),
    "skipped": N_("Bỏ qua"),
}
CHANNEL_LABELS = {"email": N_("Thư điện tử"), "zalo": N_("Zalo ZNS"), "webhook": N_("Webhook")}
OUTCOME_LABELS = {
    "sent": N_("Đã gửi"),
    "delivered": N_("Đã đến nơi"),
    "temporary": N_("Lỗi tạm thời, sẽ thử lại"),
    "permanent": N_("Lỗi không thể thử lại"),
    "deferred": N_("Hoãn gửi"),
    "bounced": N_("Bị trả lại"),
    "resend": N_("Gửi lại theo yêu cầu"),
    "skipped": N_("Bỏ qua"),
}
LANGUAGE_NAMES = {"vi": N_("Tiếng Việt"), "en": N_("Tiếng Anh")}


def notify_settings(request: Request) -> NotifySettings:
    return cast(NotifySettings, get_runtime(request).settings)


class NotifyPageKit(PageKit):
    """The shared kit, with a sign-in link read from the running service's settings."""

    def sign_in_link(self, request: Request) -> str:
        settings = notify_settings(request)
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        back = settings.public_url.rstrip("/") + here
        return f"{settings.sign_in_url}?next={quote(back, safe='')}"


def _page_variables(request: Request, t: Translator, who: Principal | None) -> Mapping[str, Any]:
    return {
        "is_staff": bool(who and who.has_any(Role.OPERATOR, Role.ORGANIZER)),
        "is_organizer": bool(who and who.has_any(Role.ORGANIZER)),
        "has_mailbox": notify_settings(request).mail_catcher_dir is not None,
    }


pages = NotifyPageKit(
    templates_dir=TEMPLATES,
    catalogues=CATALOGUES,
    template_globals={
        "STATUS_LABELS": STATUS_LABELS,
        "CHANNEL_LABELS": CHANNEL_LABELS,
        "OUTCOME_LABELS": OUTCOME_LABELS,
        "LANGUAGE_NAMES": LANGUAGE_NAMES,
    },
    context=_page_variables,
)
render = pages.render
page_router = pages.page_router

# Operators run the service; organizers answer their contestants ("did my mail arrive?").
StaffPage = Annotated[Principal, Depends(signed_in(Role.OPERATOR, Role.ORGANIZER))]
