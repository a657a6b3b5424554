"""What the secretariat reads of rounds: the lists, the assignments, the progress. Shared by
the JSON API and the pages."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from ..models import Assignment, CouncilMember, EntryView, Round, Score
from .schemas import AssignmentOut, JurorProgress, ProgressOut, RoundOut
from .service import round_or_404


def round_out(r: Round) -> RoundOut:
    return RoundOut.model_validate(r, from_attributes=True)


async def rounds_of(session: AsyncSession, contest_id: str) -> list[RoundOut]:
    rows = await session.scalars(
        sa.select(Round).where(Round.contest_id == contest_id).order_by(Round.created_at)
    )
    return [round_out(r) for r in rows]


async def assignments_of(session: AsyncSession, round_id: str) -> list[AssignmentOut]:
    """Every assignment of a round, ended ones included (moved, conflict declared)."""
    await round_or_404(session, round_id)
    rows = await session.execute(
        sa.select(
            Assignment,
            EntryView.code,
            EntryView.category_code,
            CouncilMember.display_name,
            Score.status,
        )
        .join(EntryView, EntryView.entry_id == Assignment.entry_id)
        .join(CouncilMember, CouncilMember.member_id == Assignment.member_id)
        .outerjoin(Score, Score.assignment_id == Assignment.assignment_id)
        .where(Assignment.round_id == round_id)
        .order_by(EntryView.code, CouncilMember.display_name)
    )
    return [
        AssignmentOut(
            assignment_id=a.assignment_id,
            entry_id=a.entry_id,
            entry_code=code,
            category_code=category,
            member_id=a.member_id,
            juror_name=name,
            active=a.active,
            ended_reason=a.ended_reason,
            score_status=status,
        )
        for a, code, category, name, status in rows
    ]


async def progress_of(session: AsyncSession, round_id: str) -> ProgressOut:
    round_ = await round_or_404(session, round_id)
    rows = await session.execute(
        sa.select(
            CouncilMember.member_id,
            CouncilMember.display_name,
            CouncilMember.category_id,
            sa.func.count(Assignment.assignment_id),
            sa.func.count(Score.assignment_id).filter(Score.status == "submitted"),
            sa.func.count(Score.assignment_id).filter(Score.status == "draft"),
        )
        .join(Assignment, Assignment.member_id == CouncilMember.member_id)
        .outerjoin(Score, Score.assignment_id == Assignment.assignment_id)
        .where(Assignment.round_id == round_id, Assignment.active.is_(True))
        .group_by(CouncilMember.member_id, CouncilMember.display_name, CouncilMember.category_id)
        .order_by(CouncilMember.display_name)
    )
    jurors = [
        JurorProgress(member_id=m, display_name=n, category_id=c, assigned=a, submitted=s, drafts=d)
        for m, n, c, a, s, d in rows
    ]
    return ProgressOut(
        round_id=round_id,
        status=round_.status,
        deadline=round_.deadline,
        assigned=sum(j.assigned for j in jurors),
        submitted=sum(j.submitted for j in jurors),
        jurors=jurors,
    )
