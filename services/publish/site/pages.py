"""The public site (no sign-in): contests, the winners' gallery, each work, its media; and the
staff's landing page of management pages."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared.errors import ApiError
from shared.web import Runtime

from ..deps import publish_settings
from ..domain.site import NOT_REPUBLISHED, description, gallery, paragraphs
from ..news.service import news_of
from ..pages.rendering import StaffPage, page_router, pages, publish_settings_of, render
from ..winners.service import gallery_works, winners_version, work_by_code
from .cache import VersionedCache
from .views import NO_WORK, contest_or_404, contest_page, contests

router = page_router()
GALLERIES: VersionedCache[tuple[int, str]] = VersionedCache(64)
NO_MEDIA = "Không có tệp này hoặc tệp không được công bố. / No such file, or it is not public."


def absolute(request: Request, path: str) -> str:
    return publish_settings_of(request).public_url.rstrip("/") + path


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, runtime: Runtime) -> HTMLResponse:
    async with runtime.db.reading() as session:
        found = await contests(session)
    og = {
        "title": "Lan Toả — Người tốt, việc tốt",
        "description": "Cuộc thi viết, làm phóng sự về điển hình tiên tiến, người tốt việc tốt.",
        "url": absolute(request, "/"),
        "type": "website",
    }
    return render(request, "home.html", {"contests": found, "og": og})


@router.get("/cuoc-thi/{code}", response_class=HTMLResponse)
async def contest(request: Request, runtime: Runtime, code: str) -> HTMLResponse:
    async with runtime.db.reading() as session:
        page = await contest_page(session, code)
        news = await news_of(session, page.contest.contest_id, limit=5)
    og = {
        "title": page.contest.title,
        "description": page.contest.theme,
        "url": absolute(request, f"/cuoc-thi/{code}"),
        "type": "website",
    }
    return render(
        request, "contest.html", {"page": page, "c": page.contest, "news": news, "og": og}
    )


@router.get("/cuoc-thi/{code}/giai-thuong", response_class=HTMLResponse)
async def winners_gallery(request: Request, runtime: Runtime, code: str) -> HTMLResponse:
    """Every winner of a contest. The list of works is rendered once for each version of the
    winners and each language, then reused (500 winners render in tens of milliseconds)."""
    t = pages.translator_for(request)
    async with runtime.db.reading() as session:
        found = await contest_or_404(session, code)
        version = (*await winners_version(session, found.contest_id), found.updated_at)
        key = (found.contest_id, t.lang)
        listed = GALLERIES.get(key, version)
        if listed is None:
            works = await gallery_works(session, found.contest_id)
    if listed is None:
        groups = gallery(works, [c["code"] for c in found.categories])
        count = sum(len(tier.works) for g in groups for tier in g.tiers)
        html = pages.environment.get_template("gallery_works.html").render(
            groups=groups, _=t.gettext, ngettext=t.ngettext, lang=t.lang
        )
        listed = GALLERIES.put(key, version, (count, html))
    count, html = listed
    og = {
        "title": f"Tác phẩm đoạt giải — {found.title}",
        "description": f"{count} tác phẩm đoạt giải của {found.title}.",
        "url": absolute(request, f"/cuoc-thi/{code}/giai-thuong"),
        "type": "website",
    }
    context = {"c": found, "groups": count > 0, "count": count, "works_html": html, "og": og}
    return render(request, "gallery.html", context)


@router.get("/tac-pham/{code}", response_class=HTMLResponse)
async def work_page(request: Request, runtime: Runtime, code: str) -> HTMLResponse:
    async with runtime.db.reading() as session:
        work = await work_by_code(session, code)
    if work is None or work.retracted_at is not None:
        raise ApiError(404, NO_WORK)
    photo = work.photos[0] if work.public and work.photos else None
    og = {
        "title": work.title,
        "description": description(work),
        "url": absolute(request, f"/tac-pham/{code}"),
        "type": "article",
        "image": absolute(request, f"/media/{code}/{photo.number}") if photo else None,
        "image_alt": work.title,
        "published": work.approved_at,
    }
    context = {
        "w": work,
        "text": paragraphs(work.body_text) if work.public else [],
        "not_republished": NOT_REPUBLISHED,
        "og": og,
    }
    return render(request, "work.html", context)


@router.get("/media/{code}/{number}")
async def media(runtime: Runtime, code: str, number: int, download: bool = False) -> Response:
    """A file of a public work: a short-lived link to storage (404 for anything else)."""
    async with runtime.db.reading() as session:
        work = await work_by_code(session, code)
    if work is None or not work.public or not 1 <= number <= len(work.files):
        raise ApiError(404, NO_MEDIA)
    f = work.files[number - 1]
    settings = publish_settings(runtime)
    headers = {"response-content-type": f.media_type}
    if download:
        headers["response-content-disposition"] = f'attachment; filename="{f.download_name}"'
    url = runtime.storage.presign_get(
        f.object_key, timedelta(seconds=settings.media_link_seconds), headers
    )
    cache = min(300, settings.media_link_seconds // 2)
    return RedirectResponse(url, 302, headers={"Cache-Control": f"public, max-age={cache}"})


@router.get("/quan-ly", response_class=HTMLResponse)
async def management(request: Request, _: StaffPage) -> HTMLResponse:
    return render(request, "manage.html")
