"""The organizers' news API: post, edit and withdraw news items; anyone may read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, Field

from shared.web import Runtime

from ..deps import Organizer
from ..domain.news import NewsDraft
from . import service
from .models import NewsItem

router = APIRouter(prefix="/api/news", tags=["news"])


class NewsIn(BaseModel):
    contest_code: str = Field(min_length=1, max_length=16)
    title: str = Field(max_length=1000)
    summary: str = Field(default="", max_length=5000)
    body: str = Field(max_length=200_000)
    format: Literal["text", "html"] = "text"
    published_at: AwareDatetime | None = None

    def draft(self) -> NewsDraft:
        return NewsDraft(self.title, self.summary, self.body, self.format)


class NewsOut(BaseModel):
    news_id: str
    contest_id: str
    slug: str
    title: str
    summary: str
    body_html: str
    author_name: str
    published_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None

    @classmethod
    def of(cls, item: NewsItem) -> NewsOut:
        return cls.model_validate(item, from_attributes=True)


@router.post("", status_code=201, summary="Post a news item (organizers)")
async def post_news(data: NewsIn, who: Organizer, runtime: Runtime) -> NewsOut:
    async with runtime.db.transaction() as session:
        item = await service.create_news(
            session,
            data.contest_code,
            data.draft(),
            who.display_name or who.email,
            data.published_at,
        )
        return NewsOut.of(item)


@router.put("/{news_id}", summary="Edit a news item (organizers); its address stays")
async def edit_news(news_id: str, data: NewsIn, _: Organizer, runtime: Runtime) -> NewsOut:
    async with runtime.db.transaction() as session:
        item = await service.update_news(session, news_id, data.draft(), data.published_at)
        return NewsOut.of(item)


@router.post("/{news_id}/withdraw", summary="Take a news item off the site (organizers)")
async def withdraw(news_id: str, _: Organizer, runtime: Runtime) -> NewsOut:
    async with runtime.db.transaction() as session:
        return NewsOut.of(await service.withdraw_news(session, news_id))


@router.get("", summary="Published news, newest first (of one contest if asked)")
async def list_news(runtime: Runtime, contest_code: str = "") -> list[dict[str, Any]]:
    async with runtime.db.reading() as session:
        contest_id = None
        if contest_code:
            contest = await service.contest_by_code(session, contest_code)
            if contest is None:
                return []
            contest_id = contest.contest_id
        items = await service.news_of(session, contest_id)
        return [NewsOut.of(i).model_dump(mode="json") for i in items]
