"""Reading what the public site shows: a contest with its phases, prizes and news; its
winners. One or two queries a page, nothing from storage while rendering."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now
from shared.contracts.submissions import Phase, PhaseKind
from shared.errors import ApiError

from ..domain.summary import PHASE_NAMES, current_phase
from ..models import ArrivedEntry, PublicContest

NO_CONTEST = "Không tìm thấy cuộc thi này. / No such contest."
NO_WORK = "Không tìm thấy tác phẩm này. / No such work."


@dataclass(frozen=True)
class PhaseView:
    kind: PhaseKind
    name: str
    starts_at: datetime
    ends_at: datetime
    current: bool  # the phase the contest is in (the latest started of those running)
    running: bool


@dataclass(frozen=True)
class ContestPage:
    contest: PublicContest
    phases: list[PhaseView]
    current: PhaseView | None
    entries: int
    categories: list[dict[str, Any]] = field(default_factory=list)

    @property
    def submission_open(self) -> bool:
        return any(p.running and p.kind is PhaseKind.SUBMISSION for p in self.phases)


def phase_views(contest: PublicContest, now: datetime) -> tuple[list[PhaseView], PhaseView | None]:
    phases = sorted((Phase.model_validate(p) for p in contest.phases), key=lambda p: p.starts_at)
    running = current_phase(phases, now)
    views = [
        PhaseView(
            p.kind,
            PHASE_NAMES[p.kind],
            p.starts_at,
            p.ends_at,
            current=p is running,
            running=p.starts_at <= now <= p.ends_at,
        )
        for p in phases
    ]
    return views, next((v for v in views if v.current), None)


async def contest_or_404(session: AsyncSession, code: str) -> PublicContest:
    contest: PublicContest | None = await session.scalar(
        sa.select(PublicContest).where(PublicContest.code == code)
    )
    if contest is None:
        raise ApiError(404, NO_CONTEST)
    return contest


async def contest_page(session: AsyncSession, code: str) -> ContestPage:
    contest = await contest_or_404(session, code)
    entries = await session.scalar(
        sa.select(sa.func.count())
        .select_from(ArrivedEntry)
        .where(ArrivedEntry.contest_id == contest.contest_id)
    )
    phases, current = phase_views(contest, utc_now())
    return ContestPage(contest, phases, current, int(entries or 0), list(contest.categories))


async def contests(session: AsyncSession) -> list[tuple[PublicContest, PhaseView | None]]:
    rows = await session.scalars(sa.select(PublicContest).order_by(PublicContest.updated_at.desc()))
    now = utc_now()
    return [(c, phase_views(c, now)[1]) for c in rows]
