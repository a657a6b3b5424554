"""Reading the public view: contests with their phase and entry counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now
from shared.contracts.submissions import Phase

from .domain.summary import PHASE_NAMES, CategoryCount, count_by_category, current_phase
from .models import ArrivedEntry, PublicContest


@dataclass(frozen=True)
class ContestSummary:
    contest_id: str
    code: str
    title: str
    theme: str
    organizer: str
    phase: str | None
    phase_ends: str | None
    entries: int
    categories: list[CategoryCount]
    updated_at: datetime


async def contest_summaries(session: AsyncSession, code: str | None = None) -> list[ContestSummary]:
    query = sa.select(PublicContest).order_by(PublicContest.code.desc())
    if code:
        query = query.where(PublicContest.code == code)
    contests = list(await session.scalars(query))
    arrived: dict[str, list[str]] = {}
    for contest_id, category_code in await session.execute(
        sa.select(ArrivedEntry.contest_id, ArrivedEntry.category_code)
    ):
        arrived.setdefault(contest_id, []).append(category_code)
    now = utc_now()
    result = []
    for c in contests:
        phase = current_phase([Phase.model_validate(p) for p in c.phases], now)
        tz = ZoneInfo(c.timezone)
        counts = count_by_category(
            [(cat["code"], cat["name"]) for cat in c.categories], arrived.get(c.contest_id, [])
        )
        result.append(
            ContestSummary(
                contest_id=c.contest_id,
                code=c.code,
                title=c.title,
                theme=c.theme,
                organizer=c.organizer,
                phase=PHASE_NAMES[phase.kind] if phase else None,
                phase_ends=phase.ends_at.astimezone(tz).strftime("%d/%m/%Y") if phase else None,
                entries=sum(x.entries for x in counts),
                categories=counts,
                updated_at=c.updated_at,
            )
        )
    return result
