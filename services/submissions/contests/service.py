"""Creating and publishing contests. Publishing writes ContestPublished to the outbox in the same
transaction, carrying the whole contest so other services keep their own copy."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now
from shared.contracts.submissions import (
    AwardTier,
    CategoryRules,
    ContestPublished,
    ContestPublishedPayload,
    Eligibility,
    Phase,
)
from shared.contracts.submissions import (
    Category as CategoryContract,
)
from shared.errors import ApiError
from shared.messaging.outbox import Outbox

from ..domain.submission import submission_window
from ..models import Category, Contest
from .schemas import CategoryOut, ContestIn, ContestOut


async def create_contest(session: AsyncSession, data: ContestIn) -> Contest:
    if await session.scalar(sa.select(Contest.contest_id).where(Contest.code == data.code)):
        raise ApiError(409, f"Mã cuộc thi {data.code} đã được dùng. / Contest code taken.")
    contest = Contest(
        code=data.code,
        title=data.title,
        theme=data.theme,
        organizer=data.organizer,
        timezone=data.timezone,
        phases=[p.model_dump(mode="json") for p in data.phases],
        eligibility=data.eligibility.model_dump(mode="json"),
        prize_budget_vnd=data.prize_budget_vnd,
        created_at=utc_now(),
        categories=[
            Category(
                code=c.code,
                name=c.name,
                position=i,
                rules=c.rules.model_dump(mode="json"),
                award_tiers=[t.model_dump(mode="json") for t in c.award_tiers],
            )
            for i, c in enumerate(data.categories)
        ],
    )
    session.add(contest)
    await session.flush()
    return contest


def phases_of(contest: Contest) -> list[Phase]:
    return [Phase.model_validate(p) for p in contest.phases]


def published_event(contest: Contest, reason: str | None) -> ContestPublished:
    return ContestPublished(
        contest_id=contest.contest_id,
        payload=ContestPublishedPayload(
            contest_id=contest.contest_id,
            code=contest.code,
            version=contest.version,
            title=contest.title,
            theme=contest.theme,
            organizer=contest.organizer,
            timezone=contest.timezone,
            phases=tuple(phases_of(contest)),
            categories=tuple(
                CategoryContract(
                    category_id=c.category_id,
                    code=c.code,
                    name=c.name,
                    rules=CategoryRules.model_validate(c.rules),
                    award_tiers=tuple(AwardTier.model_validate(t) for t in c.award_tiers),
                )
                for c in contest.categories
            ),
            eligibility=Eligibility.model_validate(contest.eligibility),
            prize_budget_vnd=contest.prize_budget_vnd,
            change_reason=reason,
        ),
    )


async def publish_contest(
    session: AsyncSession, outbox: Outbox, contest_id: str, reason: str | None
) -> Contest:
    contest = await session.get(Contest, contest_id)
    if contest is None:
        raise ApiError(404, "Không tìm thấy cuộc thi. / Contest not found.")
    window = submission_window(phases_of(contest))
    already_open = contest.version > 0 and window is not None and utc_now() >= window.starts_at
    if already_open and not (reason and reason.strip()):
        raise ApiError(
            422,
            "Cuộc thi đã mở nhận bài: thay đổi cần ghi rõ lý do. "
            "/ Submissions are open: a change needs a reason.",
        )
    contest.version += 1
    contest.published_at = utc_now()
    await outbox.stage(session, published_event(contest, reason))
    return contest


def contest_out(contest: Contest) -> ContestOut:
    return ContestOut(
        contest_id=contest.contest_id,
        code=contest.code,
        title=contest.title,
        theme=contest.theme,
        organizer=contest.organizer,
        version=contest.version,
        published_at=contest.published_at,
        phases=phases_of(contest),
        categories=[
            CategoryOut(
                category_id=c.category_id,
                code=c.code,
                name=c.name,
                rules=CategoryRules.model_validate(c.rules),
                award_tiers=[AwardTier.model_validate(t) for t in c.award_tiers],
            )
            for c in contest.categories
        ],
        eligibility=Eligibility.model_validate(contest.eligibility),
        prize_budget_vnd=contest.prize_budget_vnd,
    )
