"""News items: organizers post, edit and withdraw them; the site and the feeds read them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now
from shared.correlation import new_id
from shared.errors import ApiError

from ..domain.news import NewsDraft, body_html, problems, summary_of, unique_slug
from ..models import PublicContest
from .models import NewsItem

NO_NEWS = "Không tìm thấy tin này. / No such news item."
NO_CONTEST = "Không tìm thấy cuộc thi. / Contest not found."
INVALID = "Tin chưa hợp lệ. / The news item is not valid."


async def contest_by_code(session: AsyncSession, code: str) -> PublicContest | None:
    found: PublicContest | None = await session.scalar(
        sa.select(PublicContest).where(PublicContest.code == code)
    )
    return found


def _check(draft: NewsDraft) -> None:
    found = problems(draft)
    if found:
        raise ApiError(422, INVALID, found)


async def create_news(
    session: AsyncSession,
    contest_code: str,
    draft: NewsDraft,
    author_name: str,
    published_at: datetime | None = None,
) -> NewsItem:
    contest = await contest_by_code(session, contest_code)
    if contest is None:
        raise ApiError(422, NO_CONTEST)
    _check(draft)
    taken = set(
        await session.scalars(
            sa.select(NewsItem.slug).where(NewsItem.contest_id == contest.contest_id)
        )
    )
    now = utc_now()
    item = NewsItem(
        news_id=new_id(),
        contest_id=contest.contest_id,
        slug=unique_slug(draft.title, taken),
        title=draft.title.strip(),
        summary=summary_of(draft),
        body_html=body_html(draft),
        author_name=author_name[:200],
        published_at=published_at or now,
        updated_at=now,
        withdrawn_at=None,
    )
    session.add(item)
    await session.flush()
    return item


async def news_or_404(session: AsyncSession, news_id: str) -> NewsItem:
    item = await session.get(NewsItem, news_id)
    if item is None:
        raise ApiError(404, NO_NEWS)
    return item


async def update_news(
    session: AsyncSession, news_id: str, draft: NewsDraft, published_at: datetime | None = None
) -> NewsItem:
    """A new text for an item; its address (slug) stays, so links keep working."""
    item = await news_or_404(session, news_id)
    _check(draft)
    item.title = draft.title.strip()
    item.summary = summary_of(draft)
    item.body_html = body_html(draft)
    if published_at is not None:
        item.published_at = published_at
    item.updated_at = utc_now()
    return item


async def withdraw_news(session: AsyncSession, news_id: str) -> NewsItem:
    """Take an item off the site (kept, and announced canceled in the feeds)."""
    item = await news_or_404(session, news_id)
    if item.withdrawn_at is None:
        item.withdrawn_at = item.updated_at = utc_now()
    return item


async def news_of(
    session: AsyncSession,
    contest_id: str | None = None,
    *,
    withdrawn: bool = False,
    limit: int = 100,
) -> list[NewsItem]:
    """News newest first, published by now (an item may be dated ahead: it waits)."""
    query = sa.select(NewsItem).order_by(NewsItem.published_at.desc()).limit(limit)
    if contest_id is not None:
        query = query.where(NewsItem.contest_id == contest_id)
    if not withdrawn:
        query = query.where(NewsItem.withdrawn_at.is_(None), NewsItem.published_at <= utc_now())
    return list(await session.scalars(query))


async def news_by_slug(session: AsyncSession, contest_id: str, slug: str) -> NewsItem | None:
    item: NewsItem | None = await session.scalar(
        sa.select(NewsItem).where(
            NewsItem.contest_id == contest_id,
            NewsItem.slug == slug,
            NewsItem.withdrawn_at.is_(None),
            NewsItem.published_at <= utc_now(),
        )
    )
    return item
