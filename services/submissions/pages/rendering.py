"""Rendering the pages: one Jinja2 environment (autoescaped), per-request language, the
signed-in person, and the route class that turns "sign in first", "not allowed" and ApiError
into pages instead of JSON."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Coroutine, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from shared.auth import Principal, Role
from shared.contracts.submissions import MediaKind
from shared.errors import ApiError
from shared.web import current_principal, get_runtime

from ..domain.formatting import (
    KIND_NAMES,
    LANGUAGE_NAMES,
    VIETNAM_TZ,
    format_date,
    format_duration,
    format_local,
    format_size,
)
from .forms import field_label
from .i18n import (
    ACTION_LABELS,
    DISTRICTS,
    FILE_ROLE_LABELS,
    FILE_STATUS_LABELS,
    LANG_COOKIE,
    PHASE_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    Translator,
    choose_language,
    translator,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORBIDDEN = "Bạn không có quyền xem trang này. / You are not allowed to see this page."

# --- filters ---------------------------------------------------------------------------------


def _lang(context: Context) -> str:
    return str(context.get("lang", "vi"))


def local_time(value: datetime | None, tz: str = VIETNAM_TZ) -> str:
    """``HH:MM dd/mm/yyyy`` in the contest's zone (Asia/Ho_Chi_Minh unless told)."""
    return format_local(value, tz) if value else ""


def local_day(value: date | datetime | str | None, tz: str = VIETNAM_TZ) -> str:
    """``dd/mm/yyyy``; a moment is first placed in the contest's zone."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(tz)).date()
    return format_date(value)


@pass_context
def money(context: Context, amount: int) -> str:
    """``10.000.000 đ``; ``10,000,000 VND`` in English."""
    if _lang(context) == "en":
        return f"{format_decimal(amount, locale='en')} VND"
    return f"{format_decimal(amount, locale='vi')} đ"


@pass_context
def number(context: Context, n: int) -> str:
    return format_decimal(n, locale=_lang(context))


@pass_context
def size(context: Context, n: int) -> str:
    """``1,5 GiB`` (a decimal point in English)."""
    return format_size(n, "." if _lang(context) == "en" else ",")


@pass_context
def duration(context: Context, seconds: float) -> str:
    if _lang(context) != "en":
        return format_duration(seconds)
    minutes, secs = divmod(math.floor(seconds + 0.5), 60)  # half up, as the rules judge it
    if minutes == 0:
        return f"{secs} s"
    return f"{minutes} min" if secs == 0 else f"{minutes} min {secs:02d} s"


def capitalised(value: str) -> str:
    return value[:1].upper() + value[1:]


def _gettext(context: Context) -> Callable[[str], str]:
    found: Callable[[str], str] = context["_"]
    return found


@pass_context
def kinds(context: Context, values: Iterable[str]) -> str:
    """Accepted kinds of file, in words: ``văn bản, ảnh``."""
    _ = _gettext(context)
    return ", ".join(_(KIND_NAMES.get(MediaKind(k), k)) for k in values)


@pass_context
def language_names(context: Context, codes: Iterable[str]) -> str:
    _ = _gettext(context)
    return ", ".join(_(LANGUAGE_NAMES.get(code, code)) for code in codes)


@pass_context
def language_options(context: Context, codes: Iterable[str]) -> list[tuple[str, str]]:
    _ = _gettext(context)
    return [(code, capitalised(_(LANGUAGE_NAMES.get(code, code)))) for code in codes]


@pass_context
def district_options(context: Context, names: Iterable[str]) -> list[tuple[str, str]]:
    _ = _gettext(context)
    return [(name, _(name)) for name in names]


@pass_context
def status_options(context: Context, statuses: Iterable[str]) -> list[tuple[str, str]]:
    _ = _gettext(context)
    return [(status, _(STATUS_LABELS.get(status, status))) for status in statuses]


environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters.update(
    local=local_time,
    day=local_day,
    money=money,
    number=number,
    size=size,
    duration=duration,
    cap=capitalised,
    kinds=kinds,
    language_names=language_names,
    language_options=language_options,
    district_options=district_options,
    status_options=status_options,
)
environment.globals.update(
    STATUS_LABELS=STATUS_LABELS,
    FILE_STATUS_LABELS=FILE_STATUS_LABELS,
    FILE_ROLE_LABELS=FILE_ROLE_LABELS,
    ACTION_LABELS=ACTION_LABELS,
    PHASE_LABELS=PHASE_LABELS,
    ROLE_LABELS=ROLE_LABELS,
    DISTRICTS=DISTRICTS,
    LANGUAGE_NAMES=LANGUAGE_NAMES,
    KIND_NAMES=KIND_NAMES,
)

# --- who is asking, in which language --------------------------------------------------------


def viewer(request: Request) -> Principal | None:
    """The signed-in person (token in the Authorization header or the cookie), if any."""
    if not hasattr(request.state, "viewer"):
        try:
            found: Principal | None = current_principal(request, get_runtime(request))
        except HTTPException:
            found = None
        request.state.viewer = found
    principal: Principal | None = request.state.viewer
    return principal


def translator_for(request: Request) -> Translator:
    who = viewer(request)
    return translator(
        choose_language(request.cookies.get(LANG_COOKIE), who.language if who else None)
    )


class SignInRequired(Exception):
    """Raised by a page dependency: send the person to the sign-in page, then back."""


class Forbidden(Exception):
    """Signed in, but without the role this page needs."""


def signed_in(*roles: Role) -> Callable[[Request], Principal]:
    def check(request: Request) -> Principal:
        who = viewer(request)
        if who is None:
            raise SignInRequired
        if roles and not who.has_any(*roles):
            raise Forbidden
        return who

    return check


Viewer = Annotated[Principal | None, Depends(viewer)]
ContestantPage = Annotated[Principal, Depends(signed_in(Role.CONTESTANT))]
SecretariatPage = Annotated[Principal, Depends(signed_in(Role.SECRETARIAT, Role.ORGANIZER))]
OrganizerPage = Annotated[Principal, Depends(signed_in(Role.ORGANIZER))]


def safe_next(value: str | None, default: str = "/") -> str:
    """A path on this site to go back to; anything else (another host, a scheme) is ignored."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    if any(ord(c) < 32 for c in value) or "\\" in value:
        return default
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else default


def home_for(roles: Collection[str]) -> str:
    """Where a person lands after signing in, by role."""
    if Role.ORGANIZER in roles:
        return "/organizer"
    if Role.SECRETARIAT in roles:
        return "/screening"
    return "/entries" if Role.CONTESTANT in roles else "/"


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --- rendering -------------------------------------------------------------------------------


def render(
    request: Request, template: str, context: Mapping[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    t = translator_for(request)
    who = viewer(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    page = environment.get_template(template).render(
        request=request,
        lang=t.lang,
        _=t.gettext,
        ngettext=t.ngettext,
        pick=t.pick,
        label=lambda name: field_label(name, t),
        viewer=who,
        here=quote(here, safe=""),
        is_contestant=bool(who and who.has_any(Role.CONTESTANT)),
        is_screener=bool(who and who.has_any(Role.SECRETARIAT, Role.ORGANIZER)),
        is_organizer=bool(who and who.has_any(Role.ORGANIZER)),
        **(context or {}),
    )
    return HTMLResponse(page, status_code=status, headers={"Content-Language": t.lang})


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", {"status": status, "message": message}, status)


class PageRoute(APIRoute):
    """Page routes answer with pages: a redirect to sign in, or an error page in words."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return redirect(f"/sign-in?next={quote(here, safe='')}")
            except Forbidden:
                return error_page(request, 403, FORBIDDEN)
            except ApiError as error:
                return error_page(request, error.status, error.message)

        return guarded


def page_router() -> APIRouter:
    return APIRouter(include_in_schema=False, route_class=PageRoute)
