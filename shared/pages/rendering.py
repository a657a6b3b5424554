"""Server-rendered pages, the part every service shares: one autoescaped Jinja2 environment per
service with the common filters, the signed-in person, per-request language, safe redirects
after signing in, and the route class that turns "sign in first", "not allowed" and ApiError
into pages instead of JSON.

A service builds one ``PageKit`` with its templates, catalogues and the address of the sign-in
page (a path on the submissions service itself; an absolute URL of it for the others).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Coroutine, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, ClassVar
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from shared.auth import Principal, Role
from shared.errors import ApiError
from shared.web import current_principal, get_runtime

from .i18n import LANG_COOKIE, LANGUAGES, Catalogues, Translator, choose_language

VIETNAM_TZ = "Asia/Ho_Chi_Minh"
SHARED_TEMPLATES = Path(__file__).resolve().parent / "templates"
FORBIDDEN = "Bạn không có quyền xem trang này. / You are not allowed to see this page."
NO_SUCH_LANGUAGE = "Không có ngôn ngữ này. / No such language."
LANG_COOKIE_SECONDS = 365 * 24 * 3600

# --- filters ---------------------------------------------------------------------------------


def lang_of(context: Context) -> str:
    """The language of the page being rendered."""
    return str(context.get("lang", "vi"))


def gettext_of(context: Context) -> Callable[[str], str]:
    """The page's ``_``, for filters that translate names."""
    found: Callable[[str], str] = context["_"]
    return found


def local_time(value: datetime | None, tz: str = VIETNAM_TZ) -> str:
    """``HH:MM dd/mm/yyyy`` in the contest's zone (Asia/Ho_Chi_Minh unless told)."""
    if not value:
        return ""
    if value.tzinfo is None:
        raise ValueError("a naive datetime has no place in time; pass an aware one")
    return value.astimezone(ZoneInfo(tz)).strftime("%H:%M %d/%m/%Y")


def local_day(value: date | datetime | str | None, tz: str = VIETNAM_TZ) -> str:
    """``dd/mm/yyyy``; a moment is first placed in the contest's zone."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(tz)).date()
    return value.strftime("%d/%m/%Y")


@pass_context
def money(context: Context, amount: int) -> str:
    """``10.000.000 đ``; ``10,000,000 VND`` in English."""
    if lang_of(context) == "en":
        return f"{format_decimal(amount, locale='en')} VND"
    return f"{format_decimal(amount, locale='vi')} đ"


@pass_context
def number(context: Context, n: float) -> str:
    """``3.500`` in Vietnamese, ``3,500`` in English."""
    return format_decimal(n, locale=lang_of(context))


def capitalised(value: str) -> str:
    return value[:1].upper() + value[1:]


FILTERS: Mapping[str, Callable[..., Any]] = {
    "local": local_time,
    "day": local_day,
    "money": money,
    "number": number,
    "cap": capitalised,
}

# --- who is asking ---------------------------------------------------------------------------


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


Viewer = Annotated[Principal | None, Depends(viewer)]


class SignInRequired(Exception):
    """Raised by a page dependency: send the person to the sign-in page, then back."""


class Forbidden(Exception):
    """Signed in, but without the role this page needs."""


def signed_in(*roles: Role) -> Callable[[Request], Principal]:
    """Page dependency: the signed-in person, holding one of ``roles`` if any are named."""

    def check(request: Request) -> Principal:
        who = viewer(request)
        if who is None:
            raise SignInRequired
        if roles and not who.has_any(*roles):
            raise Forbidden
        return who

    return check


# --- where to go next ------------------------------------------------------------------------


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an absolute http(s) URL, lower-cased; None for anything
    else, including URLs that carry a user name (``http://good@evil/``)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:  # also a bad IPv6 literal or a host that NFKC would change
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if "@" in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def safe_next(value: str | None, default: str = "/", allowed_origins: Collection[str] = ()) -> str:
    """Where to go back to: a path on this site, or an absolute URL whose origin is exactly one
    of ``allowed_origins`` (``http://localhost:8002``). Anything else gives ``default``."""
    if not value or value != value.strip() or "\\" in value:
        return default
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return default
    if value.startswith("/"):
        return default if value.startswith("//") else value
    origin = origin_of(value)
    allowed = {o.lower().rstrip("/") for o in allowed_origins}
    return value if origin is not None and origin in allowed else default


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _here(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


# --- rendering -------------------------------------------------------------------------------

PageContext = Callable[[Request, Translator, Principal | None], Mapping[str, Any]]


class PageRoute(APIRoute):
    """Page routes answer with pages: a redirect to sign in, or an error page in words."""

    page_kit: ClassVar[PageKit]

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        kit = self.page_kit

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                return redirect(kit.sign_in_link(request))
            except Forbidden:
                return kit.error_page(request, 403, FORBIDDEN)
            except ApiError as error:
                return kit.error_page(request, error.status, error.message)

        return guarded


class PageKit:
    """The pages of one service: its templates and catalogues, and where people sign in.

    ``templates_dir`` must hold ``error.html`` (given ``status`` and ``message``). When
    ``sign_in_url`` is absolute (another service signs people in), ``public_url`` is this
    service's address and the sign-in page is sent back to an absolute URL built from it.
    ``context`` adds a service's own variables to every page.
    """

    def __init__(
        self,
        *,
        templates_dir: Path,
        catalogues: Catalogues,
        sign_in_url: str = "/sign-in",
        public_url: str | None = None,
        filters: Mapping[str, Callable[..., Any]] | None = None,
        template_globals: Mapping[str, Any] | None = None,
        context: PageContext | None = None,
    ) -> None:
        target = urlsplit(sign_in_url)
        self.sign_in_elsewhere = bool(target.scheme or target.netloc)
        if self.sign_in_elsewhere and (public_url is None or origin_of(public_url) is None):
            raise ValueError("an absolute sign_in_url needs this service's absolute public_url")
        self.catalogues = catalogues
        self.sign_in_url = sign_in_url
        self.public_url = (public_url or "").rstrip("/")
        self._context = context
        self.environment = Environment(
            # The service's templates first; the shared frame (layout.html) after them.
            loader=ChoiceLoader(
                [FileSystemLoader(templates_dir), FileSystemLoader(SHARED_TEMPLATES)]
            ),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.filters.update({**FILTERS, **(filters or {})})
        self.environment.globals.update(template_globals or {})
        kit = self

        class KitPageRoute(PageRoute):
            page_kit = kit

        self._route_class = KitPageRoute

    def translator_for(self, request: Request) -> Translator:
        who = viewer(request)
        cookie = request.cookies.get(LANG_COOKIE)
        return self.catalogues.translator(choose_language(cookie, who.language if who else None))

    def sign_in_link(self, request: Request) -> str:
        """The sign-in page, told to come back to this page afterwards."""
        back = self.public_url + _here(request) if self.sign_in_elsewhere else _here(request)
        return f"{self.sign_in_url}?next={quote(back, safe='')}"

    def render(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any] | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        t = self.translator_for(request)
        who = viewer(request)
        variables: dict[str, Any] = {
            "request": request,
            "lang": t.lang,
            "_": t.gettext,
            "ngettext": t.ngettext,
            "pick": t.pick,
            "viewer": who,
            "here": quote(_here(request), safe=""),
            "sign_in_link": self.sign_in_link(request),
        }
        if self._context:
            variables.update(self._context(request, t, who))
        variables.update(context or {})
        page = self.environment.get_template(template).render(variables)
        return HTMLResponse(page, status_code=status, headers={"Content-Language": t.lang})

    def error_page(self, request: Request, status: int, message: str) -> HTMLResponse:
        return self.render(request, "error.html", {"status": status, "message": message}, status)

    def page_router(self) -> APIRouter:
        return APIRouter(include_in_schema=False, route_class=self._route_class)

    def switch_language(
        self, request: Request, code: str, next: str | None, allowed_origins: Collection[str] = ()
    ) -> Response:
        """The answer of ``/lang/{code}?next=…``: remember the language, go back."""
        if code not in LANGUAGES:
            return self.error_page(request, 404, NO_SUCH_LANGUAGE)
        response = redirect(safe_next(next, "/", allowed_origins))
        response.set_cookie(
            LANG_COOKIE, code, max_age=LANG_COOKIE_SECONDS, samesite="lax", httponly=True
        )
        return response


SHARED_STATIC = Path(__file__).resolve().parent / "static"


def mount_static(app: FastAPI, own: Path) -> None:
    """The shared look under /static/shared, then the service's own files under /static (the
    more specific mount first, or /static would answer for it)."""
    app.mount("/static/shared", StaticFiles(directory=SHARED_STATIC), name="shared-static")
    app.mount("/static", StaticFiles(directory=own), name="static")
