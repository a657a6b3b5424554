"""News pages: the public list and items of a contest; the organizers' form to post, edit and
withdraw items (same-site forms, errors shown in the form, nothing typed is lost)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from shared.errors import ApiError
from shared.pages.rendering import redirect
from shared.web import Runtime

from ..domain.news import NewsDraft
from ..models import PublicContest
from ..pages.rendering import OrganizerPage, page_router, publish_settings_of, render
from ..site.views import contest_or_404
from . import service
from .models import NewsItem

router = page_router()
NO_NEWS = "Không tìm thấy tin này. / No such news item."


def _og(
    request: Request, title: str, summary: str, path: str, kind: str = "website"
) -> dict[str, Any]:
    base = publish_settings_of(request).public_url.rstrip("/")
    return {"title": title, "description": summary, "url": base + path, "type": kind}


@router.get("/cuoc-thi/{code}/tin-tuc", response_class=HTMLResponse)
async def news_list(request: Request, runtime: Runtime, code: str) -> HTMLResponse:
    async with runtime.db.reading() as session:
        contest = await contest_or_404(session, code)
        items = await service.news_of(session, contest.contest_id)
    og = _og(request, f"Tin tức — {contest.title}", contest.theme, f"/cuoc-thi/{code}/tin-tuc")
    return render(request, "news_list.html", {"c": contest, "items": items, "og": og})


@router.get("/cuoc-thi/{code}/tin-tuc/{slug}", response_class=HTMLResponse)
async def news_page(request: Request, runtime: Runtime, code: str, slug: str) -> HTMLResponse:
    async with runtime.db.reading() as session:
        contest = await contest_or_404(session, code)
        item = await service.news_by_slug(session, contest.contest_id, slug)
    if item is None:
        raise ApiError(404, NO_NEWS)
    og = _og(request, item.title, item.summary, f"/cuoc-thi/{code}/tin-tuc/{slug}", "article")
    og["published"] = item.published_at
    return render(request, "news_item.html", {"c": contest, "n": item, "og": og})


# --- the organizers' pages -------------------------------------------------------------------


async def _manage(
    request: Request,
    runtime: Runtime,
    form: dict[str, str],
    *,
    editing: NewsItem | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        contests = list(
            await session.scalars(sa.select(PublicContest).order_by(PublicContest.code))
        )
        items = await service.news_of(session, withdrawn=True, limit=200)
    codes = {c.contest_id: c.code for c in contests}
    context = {
        "contests": contests,
        "items": items,
        "codes": codes,
        "form": form,
        "editing": editing,
        "problems": problems or [],
    }
    return render(request, "manage_news.html", context, status=status)


def _form_of(raw: Any) -> dict[str, str]:
    keys = ("contest_code", "title", "summary", "body", "format")
    return {k: str(raw.get(k, "") or "") for k in keys}


def _draft(form: dict[str, str]) -> NewsDraft:
    return NewsDraft(form["title"], form["summary"], form["body"], form["format"] or "text")


@router.get("/quan-ly/tin-tuc", response_class=HTMLResponse)
async def manage_news(request: Request, runtime: Runtime, _: OrganizerPage) -> HTMLResponse:
    return await _manage(request, runtime, {"format": "text"})


@router.post("/quan-ly/tin-tuc", response_class=HTMLResponse)
async def post_news(request: Request, runtime: Runtime, who: OrganizerPage) -> Response:
    form = _form_of(await request.form())
    try:
        async with runtime.db.transaction() as session:
            item = await service.create_news(
                session, form["contest_code"], _draft(form), who.display_name or who.email
            )
            news_id = item.news_id
    except ApiError as error:
        return await _manage(
            request, runtime, form, problems=error.problems or [error.message], status=error.status
        )
    return redirect(f"/quan-ly/tin-tuc?saved={news_id}")


@router.get("/quan-ly/tin-tuc/{news_id}", response_class=HTMLResponse)
async def edit_form(
    request: Request, runtime: Runtime, _: OrganizerPage, news_id: str
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        item = await service.news_or_404(session, news_id)
    form = {"title": item.title, "summary": item.summary, "body": item.body_html, "format": "html"}
    return await _manage(request, runtime, form, editing=item)


@router.post("/quan-ly/tin-tuc/{news_id}", response_class=HTMLResponse)
async def save(request: Request, runtime: Runtime, _: OrganizerPage, news_id: str) -> Response:
    form = _form_of(await request.form())
    try:
        async with runtime.db.transaction() as session:
            await service.update_news(session, news_id, _draft(form))
    except ApiError as error:
        async with runtime.db.reading() as session:
            item = await session.get(NewsItem, news_id)
        if item is None:
            raise
        return await _manage(
            request,
            runtime,
            form,
            editing=item,
            problems=error.problems or [error.message],
            status=error.status,
        )
    return redirect(f"/quan-ly/tin-tuc?saved={news_id}")


@router.post("/quan-ly/tin-tuc/{news_id}/go", response_class=HTMLResponse)
async def withdraw(request: Request, runtime: Runtime, _: OrganizerPage, news_id: str) -> Response:
    async with runtime.db.transaction() as session:
        await service.withdraw_news(session, news_id)
    return redirect(f"/quan-ly/tin-tuc?withdrawn={news_id}")
