"""What the feeds carry: winning works, the organizers' news and the press room's exemplars,
newest first; built from the database in a few queries, nothing from storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now

from ..domain import ninjs
from ..domain.atom import AtomEntry
from ..domain.site import WorkRecord, description, paragraphs
from ..exemplars.models import Exemplar
from ..exemplars.service import exemplars_for_feeds
from ..models import PublicContest
from ..news.models import NewsItem
from ..views import ContestSummary, contest_summaries
from ..winners.models import WinningWork
from ..winners.service import record_of

PAGE_SIZE = 50
ATOM_LIMIT = 200


async def _news_and_exemplars(
    session: AsyncSession,
) -> tuple[list[NewsItem], dict[str, str], list[Any]]:
    news = list(
        await session.scalars(
            sa.select(NewsItem).order_by(NewsItem.updated_at.desc()).limit(ATOM_LIMIT)
        )
    )
    codes = dict(
        (await session.execute(sa.select(PublicContest.contest_id, PublicContest.code))).all()
    )
    exemplars = await exemplars_for_feeds(session, ATOM_LIMIT)
    return news, {str(k): str(v) for k, v in codes.items()}, exemplars


def news_link(base: str, codes: dict[str, str], n: NewsItem) -> str:
    return f"{base}/cuoc-thi/{codes.get(n.contest_id, '')}/tin-tuc/{n.slug}"


def news_ninjs(base: str, codes: dict[str, str], n: NewsItem, version: str) -> dict[str, Any]:
    return ninjs.news_item(
        n.news_id,
        n.title,
        n.summary,
        n.body_html,
        published=n.published_at,
        updated=n.updated_at,
        withdrawn=n.withdrawn_at is not None,
        url=news_link(base, codes, n),
        version=version,
    )


def exemplar_ninjs(base: str, e: Any, version: str) -> dict[str, Any]:
    return ninjs.exemplar_item(
        e.exemplar_id,
        e.name,
        collective=bool(e.collective),
        summary=" ".join(paragraphs(e.achievements))[:1000],
        created=e.created_at,
        updated=e.updated_at,
        base=base,
        locality=e.district,
        subjects=[e.field],
        version=version,
    )


@dataclass(frozen=True)
class FeedIndex:
    """Every item of the ninjs feed, newest first, as (updated, kind, key)."""

    keyed: list[tuple[datetime, str, Any]]
    codes: dict[str, str]
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.keyed) // self.size))

    def chosen(self, page: int) -> list[tuple[datetime, str, Any]]:
        return self.keyed[(page - 1) * self.size : page * self.size]


async def feeds_version(session: AsyncSession) -> tuple[Any, ...]:
    """One cheap query whose answer changes whenever anything the feeds carry changes: the
    winners, the news (also when a news item dated ahead comes due) and the exemplars."""
    now = utc_now()

    row = (
        await session.execute(
            sa.select(
                sa.select(sa.func.count()).select_from(WinningWork).scalar_subquery(),
                sa.select(sa.func.max(WinningWork.updated_at)).scalar_subquery(),
                sa.select(sa.func.count())
                .select_from(NewsItem)
                .where(NewsItem.published_at <= now)
                .scalar_subquery(),
                sa.select(sa.func.max(NewsItem.updated_at)).scalar_subquery(),
                sa.select(sa.func.count())
                .select_from(Exemplar)
                .where(Exemplar.consent.is_(True))
                .scalar_subquery(),
                sa.select(sa.func.max(Exemplar.updated_at)).scalar_subquery(),
            )
        )
    ).one()
    return tuple(row)


async def feed_index(session: AsyncSession, size: int = PAGE_SIZE) -> FeedIndex:
    stamps = list(await session.execute(sa.select(WinningWork.entry_id, WinningWork.updated_at)))
    news, codes, exemplars = await _news_and_exemplars(session)
    now = utc_now()
    keyed: list[tuple[datetime, str, Any]] = [(u, "work", i) for i, u in stamps]
    keyed += [(n.updated_at, "news", n) for n in news if n.published_at <= now]
    keyed += [(e.updated_at, "exemplar", e) for e in exemplars]
    keyed.sort(key=lambda k: (k[0], k[1]), reverse=True)
    return FeedIndex(keyed, codes, size)


async def feed_page(
    session: AsyncSession, index: FeedIndex, base: str, page: int, version: str
) -> dict[str, Any]:
    """One page of the ninjs feed (one more query, for the page's works)."""
    chosen = index.chosen(page)
    wanted = [key for _, kind, key in chosen if kind == "work"]
    rows = {}
    if wanted:
        found = await session.scalars(
            sa.select(WinningWork).where(WinningWork.entry_id.in_(wanted))
        )
        rows = {r.entry_id: record_of(r) for r in found}
    items = []
    for _, kind, key in chosen:
        if kind == "work" and key in rows:
            items.append(ninjs.build_item(rows[key], base, version))
        elif kind == "news":
            items.append(news_ninjs(base, index.codes, key, version))
        elif kind == "exemplar":
            items.append(exemplar_ninjs(base, key, version))
    link = f"{base}/feeds/ninjs.json?version={version}&"
    result = ninjs.feed_page(items, page, index.pages, link)
    result["total"] = len(index.keyed)
    result["version"] = version
    return result


async def ninjs_page(
    session: AsyncSession, base: str, page: int, version: str, size: int = PAGE_SIZE
) -> dict[str, Any]:
    """One page of the ninjs feed: every item newest first (canceled ones too, so newsrooms
    learn of a retraction), ``size`` a page."""
    return await feed_page(session, await feed_index(session, size), base, page, version)


def _contest_entry(c: ContestSummary, base: str) -> AtomEntry:
    phase = f" Giai đoạn: {c.phase}." if c.phase else ""
    return AtomEntry(
        id=f"urn:lantoa:contest:{c.contest_id}",
        title=c.title,
        link=f"{base}/cuoc-thi/{c.code}",
        updated=c.updated_at,
        summary=f"{c.theme} — {c.entries} bài dự thi đã gửi.{phase}",
        authors=(c.organizer,),
        categories=(("cuoc-thi", "Cuộc thi"),),
    )


async def atom_entries(session: AsyncSession, base: str) -> list[AtomEntry]:
    """Contests (with the entries received so far), news, winning works (not retracted) and
    exemplars for the Atom feed."""
    works = [
        record_of(r)
        for r in await session.scalars(
            sa.select(WinningWork)
            .where(WinningWork.retracted_at.is_(None))
            .order_by(WinningWork.updated_at.desc())
            .limit(ATOM_LIMIT)
        )
    ]
    news, codes, exemplars = await _news_and_exemplars(session)
    now = utc_now()
    entries = [
        AtomEntry(
            id=ninjs.news_uri(n.news_id),
            title=n.title,
            link=news_link(base, codes, n),
            updated=n.updated_at,
            published=n.published_at,
            summary=n.summary,
            content_html=n.body_html,
            authors=(n.author_name,),
            categories=(("tin-tuc", "Tin tức"),),
        )
        for n in news
        if n.withdrawn_at is None and n.published_at <= now
    ]
    for w in works:
        enclosures = tuple(
            (f"{base}/media/{w.code}/{f.number}", f.media_type, f.size_bytes)
            for f in w.files
            if w.public and f.kind in ("audio", "video", "photo")
        )
        entries.append(
            AtomEntry(
                id=ninjs.work_uri(w.code),
                title=f"{w.title} — {w.tier_name}, {w.category_name}",
                link=f"{base}/tac-pham/{w.code}",
                updated=w.updated_at,
                published=w.approved_at,
                summary=description(w, 500),
                content_html=_work_html(w) if w.public else None,
                authors=w.credits,
                categories=(
                    ("giai-thuong", "Tác phẩm đoạt giải"),
                    (w.category_code, w.category_name),
                ),
                enclosures=enclosures,
            )
        )
    entries += [_contest_entry(c, base) for c in await contest_summaries(session)]
    for e in exemplars:
        entries.append(
            AtomEntry(
                id=ninjs.exemplar_uri(e.exemplar_id),
                title=f"Gương điển hình: {e.name}",
                link=f"{base}/phong-bao-chi/{e.exemplar_id}",
                updated=e.updated_at,
                published=e.created_at,
                summary=" ".join(paragraphs(e.achievements))[:500],
                categories=(("guong-dien-hinh", "Gương điển hình"),),
            )
        )
    return entries


def _work_html(w: WorkRecord) -> str:
    head = f"<p><strong>{escape(w.byline)}</strong></p>"
    return head + "".join(f"<p>{escape(p)}</p>" for p in paragraphs(w.body_text))
