"""Rendering publish's pages: the shared page kit with this service's templates, catalogue
and labels. The public site needs no sign-in; organizers sign in on the submissions service,
whose address is a setting of this one."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, cast
from urllib.parse import quote

from fastapi import Depends, Request

from shared.auth import Principal, Role
from shared.pages.i18n import Catalogues, Translator
from shared.pages.rendering import PageKit, signed_in
from shared.web import get_runtime

from ..settings import PublishSettings

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE.parent / "templates" / "pages"
STATIC = HERE.parent / "static"
CATALOGUES = Catalogues(HERE.parent / "locales")
translator = CATALOGUES.translator


def publish_settings_of(request: Request) -> PublishSettings:
    return cast(PublishSettings, get_runtime(request).settings)


class PublishPageKit(PageKit):
    """The shared kit, with a sign-in link read from the running service's settings."""

    def sign_in_link(self, request: Request) -> str:
        settings = publish_settings_of(request)
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        back = settings.public_url.rstrip("/") + here
        return f"{settings.sign_in_url}?next={quote(back, safe='')}"


def _page_variables(request: Request, t: Translator, who: Principal | None) -> Mapping[str, Any]:
    settings = publish_settings_of(request)
    return {
        "is_staff": bool(who and who.has_any(Role.OPERATOR, Role.ORGANIZER)),
        "is_organizer": bool(who and who.has_any(Role.ORGANIZER)),
        "portal_url": settings.portal_url.rstrip("/"),
        "public_url": settings.public_url.rstrip("/"),
    }


pages = PublishPageKit(
    templates_dir=TEMPLATES,
    catalogues=CATALOGUES,
    context=_page_variables,
)
render = pages.render
page_router = pages.page_router

# Organizers run the contest's publicity; operators look after the service.
StaffPage = Annotated[Principal, Depends(signed_in(Role.OPERATOR, Role.ORGANIZER))]
OrganizerPage = Annotated[Principal, Depends(signed_in(Role.ORGANIZER))]
