"""Councils and their members: set up by the secretariat before any round."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import new_event_id, utc_now
from shared.errors import ApiError

from ..audit.service import record
from ..models import Assignment, ContestView, Council, CouncilMember
from .schemas import CouncilIn, MemberIn

NOT_FOUND = "Không tìm thấy hội đồng. / Council not found."


async def known_contests(session: AsyncSession) -> Sequence[ContestView]:
    """The contests whose ContestPublished has reached judging."""
    return (await session.scalars(sa.select(ContestView).order_by(ContestView.code))).all()


async def contest_or_404(session: AsyncSession, contest_id: str) -> ContestView:
    contest = await session.get(ContestView, contest_id)
    if contest is None:
        raise ApiError(404, "Không tìm thấy cuộc thi. / Contest not found.")
    return contest


async def council_or_404(session: AsyncSession, council_id: str) -> Council:
    council = await session.get(Council, council_id)
    if council is None:
        raise ApiError(404, NOT_FOUND)
    return council


async def create_council(
    session: AsyncSession, who: Principal, contest_id: str, data: CouncilIn
) -> Council:
    await contest_or_404(session, contest_id)
    council = Council(
        council_id=new_event_id(),
        contest_id=contest_id,
        kind=data.kind.value,
        name=data.name,
        created_at=utc_now(),
    )
    session.add(council)
    await record(
        session,
        actor=who.email,
        action="council.created",
        subject=council.council_id,
        data={"contest_id": contest_id, "kind": council.kind, "name": council.name},
    )
    return council


async def add_member(
    session: AsyncSession, who: Principal, council_id: str, data: MemberIn
) -> CouncilMember:
    council = await council_or_404(session, council_id)
    contest = await contest_or_404(session, council.contest_id)
    email = str(data.email).lower()
    if data.category_id is not None and data.category_id not in {
        c["category_id"] for c in contest.categories
    }:
        raise ApiError(422, "Không có thể loại này trong cuộc thi. / No such category.")
    existing = await session.scalar(
        sa.select(CouncilMember).where(
            CouncilMember.council_id == council_id, CouncilMember.email == email
        )
    )
    if existing is not None:
        raise ApiError(409, "Người này đã có trong hội đồng. / Already a member of this council.")
    member = CouncilMember(
        member_id=new_event_id(),
        council_id=council_id,
        email=email,
        display_name=data.display_name,
        organisation=data.organisation,
        role=data.role.value,
        category_id=data.category_id,
        relationships=[r.model_dump(mode="json") for r in data.relationships],
        language=data.language,
        created_at=utc_now(),
    )
    session.add(member)
    await record(
        session,
        actor=who.email,
        action="member.added",
        subject=member.member_id,
        data={
            "council_id": council_id,
            "email": email,
            "role": member.role,
            "category_id": member.category_id,
            "organisation": member.organisation,
            "relationships": member.relationships,
        },
    )
    return member


async def remove_member(
    session: AsyncSession, who: Principal, council_id: str, member_id: str
) -> None:
    member = await session.get(CouncilMember, member_id)
    if member is None or member.council_id != council_id:
        raise ApiError(404, "Không tìm thấy thành viên. / Member not found.")
    used = await session.scalar(
        sa.select(sa.func.count()).select_from(Assignment).where(Assignment.member_id == member_id)
    )
    if used:
        raise ApiError(
            409,
            "Thành viên đã được phân công chấm, không thể xoá; hãy chuyển bài cho người khác. "
            "/ This member has assignments; move them instead.",
        )
    await session.delete(member)
    await record(
        session,
        actor=who.email,
        action="member.removed",
        subject=member_id,
        data={"council_id": council_id},
    )


async def councils_of(
    session: AsyncSession, contest_id: str
) -> list[tuple[Council, Sequence[CouncilMember]]]:
    councils = (
        await session.scalars(
            sa.select(Council)
            .where(Council.contest_id == contest_id)
            .order_by(Council.created_at, Council.council_id)
        )
    ).all()
    members = (
        await session.scalars(
            sa.select(CouncilMember)
            .where(CouncilMember.council_id.in_([c.council_id for c in councils]))
            .order_by(CouncilMember.created_at, CouncilMember.member_id)
        )
    ).all()
    return [(c, [m for m in members if m.council_id == c.council_id]) for c in councils]
