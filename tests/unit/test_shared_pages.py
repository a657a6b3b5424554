"""The page plumbing every service shares: where a sign-in may send people back to, catalogues
compiled from a .po file, the common filters, and page routes of a service whose sign-in page
lives on another service (judging's, on submissions)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from services.submissions.settings import SubmissionsSettings
from shared.auth import Principal, Role
from shared.errors import ApiError
from shared.pages.i18n import Catalogues, Translator
from shared.pages.rendering import PageKit, safe_next, signed_in
from shared.runtime import ServiceRuntime
from shared.web import build_app
from tests.support.keys import sign_token, write_key_pair
from tests.support.probe import ProbeSettings, probe_runtime

JUDGING = "http://localhost:8002"
SUBMISSIONS_SIGN_IN = "http://localhost:8001/sign-in"
Served = tuple[httpx.AsyncClient, Path]  # a client of the app, and the key that signs tokens

# --- safe_next -------------------------------------------------------------------------------


def test_paths_on_this_site_are_kept() -> None:
    assert safe_next("/entries/new?contest=1", "/home") == "/entries/new?contest=1"
    assert safe_next("/", "/home") == "/"
    assert safe_next("", "/home") == safe_next(None, "/home") == "/home"


def test_an_absolute_next_needs_exactly_an_allowed_origin() -> None:
    allowed = [JUDGING]
    assert safe_next(f"{JUDGING}/rounds/7?tab=scores", "/", allowed) == (
        f"{JUDGING}/rounds/7?tab=scores"
    )
    assert safe_next(JUDGING, "/", allowed) == JUDGING
    assert safe_next("HTTP://LocalHost:8002/x", "/", allowed) == "HTTP://LocalHost:8002/x"
    assert safe_next(f"{JUDGING}/rounds/7", "/", ()) == "/"  # no origins: paths only
    assert safe_next(f"{JUDGING}/", "/", ["http://localhost:8002/"]) == f"{JUDGING}/"


@pytest.mark.parametrize(
    "value",
    [
        "http://localhost:8002.evil.com/",
        "http://localhost:80021/",
        "https://localhost:8002/",  # another scheme is another origin
        "http://localhost/",
        "http://localhost:8003/",
        "//evil.example/",
        "//localhost:8002/",
        "/\\evil.example",
        "http:/\\evil.example",
        "javascript:alert(1)",
        "JavaScript://localhost:8002/%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://localhost:8002@evil.example/",
        "http://evil.example@localhost:8002/",  # userinfo: refused even when the host is right
        "http://user:pass@localhost:8002/",
        "http://localhost:8002\\@evil.example/",
        "http://localhost:8002/\nSet-Cookie: x=1",
        " http://localhost:8002/",
        "http://localhost:8002/ ",
        "http://localhost:ab/",
        "evil.example",
    ],
)
def test_foreign_and_tricky_addresses_fall_back_to_the_default(value: str) -> None:
    assert safe_next(value, "/home", [JUDGING]) == "/home"


def _browser_stays_with_us(url: str) -> bool:
    """Where a browser would go, judged without urlsplit: a path of this site, or a URL that
    begins with the allowed origin and then ends it (``/``, ``?``, ``#`` or nothing)."""
    if url.startswith("/"):
        return not url.startswith("//") and "\\" not in url
    lowered = url.lower()
    return lowered == JUDGING or any(lowered.startswith(JUDGING + end) for end in "/?#")


@given(
    prefix=st.sampled_from(
        ["", "/", "//", "http://", "https://", JUDGING, "http://localhost:8002.", "javascript:"]
    ),
    rest=st.text(max_size=30),
)
def test_whatever_is_kept_keeps_the_browser_with_us(prefix: str, rest: str) -> None:
    value = prefix + rest
    result = safe_next(value, "/fallback", [JUDGING])
    assert result in (value, "/fallback")
    if result == value:
        assert _browser_stays_with_us(value), value


def test_return_origins_setting_reads_a_comma_separated_list(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    private, public = write_key_pair(tmp_path)
    required: dict[str, Any] = {
        "s3_access_key": "key",
        "s3_secret_key": "secret-value",
        "auth_public_key_file": public,
        "auth_private_key_file": private,
    }
    monkeypatch.setenv(
        "LANTOA_SUBMISSIONS_RETURN_ORIGINS", "http://localhost:8002, https://ChamThi.example.vn/"
    )
    settings = SubmissionsSettings(**required)
    assert settings.return_origins == ("http://localhost:8002", "https://chamthi.example.vn")
    monkeypatch.delenv("LANTOA_SUBMISSIONS_RETURN_ORIGINS")
    assert SubmissionsSettings(**required).return_origins == ()
    for wrong in ("http://localhost:8002/judging", "localhost:8002", "http://a@b.example"):
        with pytest.raises(ValidationError, match="not an origin"):
            SubmissionsSettings(**required, return_origins=wrong)


# --- catalogues ------------------------------------------------------------------------------

PO = r"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Chấm điểm"
msgstr "Scoring"

msgid "Vòng %(n)s"
msgstr "Round %(n)s"

msgid "%(num)s bài"
msgid_plural "%(num)s bài"
msgstr[0] "%(num)s entry"
msgstr[1] "%(num)s entries"
"""


def write_catalogue(locales: Path) -> Path:
    po = locales / "en" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO, encoding="utf-8")
    return po


def test_catalogues_translate_from_the_po_file(tmp_path: Path) -> None:
    po = write_catalogue(tmp_path / "locales")
    catalogues = Catalogues(tmp_path / "locales")
    en, vi = catalogues.translator("en"), catalogues.translator("vi")
    assert en.gettext("Chấm điểm") == "Scoring"
    assert en.gettext("Vòng %(n)s", n=2) == "Round 2"
    assert en.ngettext("%(num)s bài", "%(num)s bài", 1) == "1 entry"
    assert en.ngettext("%(num)s bài", "%(num)s bài", 3) == "3 entries"
    assert en.gettext("Chưa dịch") == "Chưa dịch"  # untranslated: the Vietnamese msgid
    assert vi.gettext("Chấm điểm") == "Chấm điểm"
    assert catalogues.translator("fr").lang == "vi"
    assert en.pick("Đã đóng vòng. / The round is closed.") == "The round is closed."
    po.unlink()  # compiled once: the file is not read again
    assert catalogues.translator("en").gettext("Chấm điểm") == "Scoring"
    with pytest.raises(FileNotFoundError):
        Catalogues(tmp_path / "locales").translator("en")


# --- filters ---------------------------------------------------------------------------------


@pytest.fixture
def kit(tmp_path: Path) -> PageKit:
    write_catalogue(tmp_path / "locales")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "error.html").write_text(
        "<h1>{{ status }}</h1><p>{{ pick(message) }}</p>", encoding="utf-8"
    )
    (templates / "round.html").write_text(
        "<h1>{{ _('Chấm điểm') }}</h1><p>{{ council }} · {{ viewer.display_name }}</p>"
        "<p>{{ prize|money }} · {{ closes|local }} · {{ 'giám khảo'|cap }} · {{ '!'|shout }}</p>"
        "<a href='{{ sign_in_link }}'>{{ here }}</a>",
        encoding="utf-8",
    )

    def council(request: Request, t: Translator, who: Principal | None) -> dict[str, Any]:
        return {"council": t.pick("Hội đồng sơ khảo / Preliminary council")}

    return PageKit(
        templates_dir=templates,
        catalogues=Catalogues(tmp_path / "locales"),
        sign_in_url=SUBMISSIONS_SIGN_IN,
        public_url=JUDGING + "/",
        filters={"shout": lambda text: f"{text}{text}"},
        context=council,
    )


def test_money_number_and_day_filters_in_both_languages(kit: PageKit) -> None:
    def show(source: str, lang: str, **values: Any) -> str:
        return kit.environment.from_string(source).render(lang=lang, **values)

    assert show("{{ 10000000|money }}", "vi") == "10.000.000 đ"
    assert show("{{ 10000000|money }}", "en") == "10,000,000 VND"
    assert show("{{ 3500|number }}", "vi") == "3.500"
    assert show("{{ 3500|number }}", "en") == "3,500"
    new_year = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 on 1 January in Vietnam
    assert show("{{ d|day }}", "vi", d=new_year) == "01/01/2027"
    assert show("{{ d|day }}", "en", d=date(2026, 3, 8)) == "08/03/2026"
    assert show("{{ '2026-03-08'|day }} {{ none|day }}", "vi", none=None) == "08/03/2026 "
    assert show("{{ d|local }}", "vi", d=new_year) == "00:30 01/01/2027"
    assert show("{{ d|local('UTC') }}", "vi", d=new_year) == "17:30 31/12/2026"
    with pytest.raises(ValueError, match="naive"):
        show("{{ d|local }}", "vi", d=datetime(2026, 1, 1))


# --- page routes of a service that signs people in elsewhere ---------------------------------


@pytest.fixture
async def judging_like(
    kit: PageKit, tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, Path]]:
    """A real service app (shared wiring, not started: no bus or database is touched) with one
    juror page, an API error page and the language switch, spoken to over ASGI."""
    private, public = write_key_pair(tmp_path / "keys")
    settings = ProbeSettings(
        s3_access_key="key",
        s3_secret_key="secret-value",
        auth_public_key_file=public,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/probe.db",
    )
    runtime: ServiceRuntime = probe_runtime(settings)[0]
    router = kit.page_router()

    @router.get("/rounds/{round_id}", response_class=HTMLResponse)
    async def round_page(
        request: Request, round_id: int, who: Annotated[Principal, Depends(signed_in(Role.JUROR))]
    ) -> HTMLResponse:
        if round_id == 404:
            raise ApiError(404, "Không có vòng này. / No such round.")
        closes = datetime(2026, 12, 1, 10, tzinfo=UTC)
        return kit.render(request, "round.html", {"prize": 5_000_000, "closes": closes})

    @router.get("/lang/{code}")
    async def switch(code: str, request: Request, next: str = "/") -> Response:
        return kit.switch_language(request, code, next, ["http://localhost:8001"])

    app = build_app(runtime, [router])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=JUDGING) as client:
        yield client, private


async def test_signing_in_happens_on_the_other_service_and_comes_back_here(
    judging_like: Served,
) -> None:
    client, _ = judging_like
    bounced = await client.get("/rounds/7?tab=scores&entry=3")
    assert bounced.status_code == 303
    back = quote(f"{JUDGING}/rounds/7?tab=scores&entry=3", safe="")
    assert bounced.headers["location"] == f"{SUBMISSIONS_SIGN_IN}?next={back}"
    # What the sign-in page receives is an absolute URL that it may honour.
    received = httpx.URL(bounced.headers["location"]).params["next"]
    assert safe_next(received, "/", [JUDGING]) == f"{JUDGING}/rounds/7?tab=scores&entry=3"


async def test_a_juror_sees_the_page_and_others_get_pages_not_json(
    judging_like: Served,
) -> None:
    client, private = judging_like
    juror = sign_token(private, roles=[Role.JUROR], name="Hoàng Văn Thụ")
    headers = {"Authorization": f"Bearer {juror}"}
    page = await client.get("/rounds/7", headers=headers)
    assert page.status_code == 200 and page.headers["content-language"] == "vi"
    assert "<h1>Chấm điểm</h1>" in page.text
    assert "Hội đồng sơ khảo · Hoàng Văn Thụ" in page.text
    assert "5.000.000 đ · 17:00 01/12/2026 · Giám khảo · !!" in page.text
    assert f">{quote('/rounds/7', safe='')}</a>" in page.text
    english = await client.get("/rounds/7", headers={**headers, "Cookie": "lang=en"})
    assert english.headers["content-language"] == "en"
    assert "<h1>Scoring</h1>" in english.text and "Preliminary council" in english.text
    assert "5,000,000 VND" in english.text
    missing = await client.get("/rounds/404", headers={**headers, "Cookie": "lang=en"})
    assert missing.status_code == 404 and "<p>No such round.</p>" in missing.text
    contestant = sign_token(private, roles=[Role.CONTESTANT])
    refused = await client.get("/rounds/7", headers={"Authorization": f"Bearer {contestant}"})
    assert refused.status_code == 403
    assert "<p>Bạn không có quyền xem trang này.</p>" in refused.text


async def test_the_language_switch_remembers_and_goes_back_only_where_allowed(
    judging_like: Served,
) -> None:
    client, _ = judging_like
    switched = await client.get("/lang/en", params={"next": "/rounds/7"})
    assert switched.status_code == 303 and switched.headers["location"] == "/rounds/7"
    assert "lang=en" in switched.headers["set-cookie"]
    assert "httponly" in switched.headers["set-cookie"].lower()
    allowed = await client.get("/lang/vi", params={"next": "http://localhost:8001/entries"})
    assert allowed.headers["location"] == "http://localhost:8001/entries"
    foreign = await client.get("/lang/vi", params={"next": "https://evil.example/"})
    assert foreign.headers["location"] == "/"
    unknown = await client.get("/lang/fr")
    assert unknown.status_code == 404 and "set-cookie" not in unknown.headers


def test_an_absolute_sign_in_needs_this_service_s_public_url(tmp_path: Path) -> None:
    catalogues = Catalogues(tmp_path)
    with pytest.raises(ValueError, match="public_url"):
        PageKit(templates_dir=tmp_path, catalogues=catalogues, sign_in_url=SUBMISSIONS_SIGN_IN)
    with pytest.raises(ValueError, match="public_url"):
        PageKit(
            templates_dir=tmp_path,
            catalogues=catalogues,
            sign_in_url=SUBMISSIONS_SIGN_IN,
            public_url="judging.local",
        )
    here = PageKit(templates_dir=tmp_path, catalogues=catalogues)  # signs people in itself
    assert here.sign_in_url == "/sign-in"
