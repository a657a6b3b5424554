"""A round's life: set up, entries fixed and assigned, moved by hand, released to jurors,
deadline extended, closed. Every step is written to the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import new_event_id, utc_now
from shared.contracts.judging import (
    JurorAssigned,
    JurorAssignedPayload,
    RoundClosed,
    RoundClosedPayload,
    RoundKind,
)
from shared.errors import ApiError
from shared.messaging.outbox import Outbox

from ..audit.service import record
from ..councils.service import contest_or_404, council_or_404
from ..domain.advancement import AdvancementRule, rule_problems
from ..domain.criteria import Criterion, criteria_problems
from ..models import (
    Assignment,
    ContestView,
    CouncilMember,
    EntryView,
    Reminder,
    Round,
    Score,
)
from .schemas import CloseIn, DeadlineIn, RoundIn

NOT_FOUND = "Không tìm thấy vòng chấm. / Round not found."


def criteria_of(round_: Round) -> list[Criterion]:
    return [Criterion(**c) for c in round_.criteria]


def rule_of(round_: Round) -> AdvancementRule:
    return AdvancementRule(top_n=round_.advance_top_n, threshold=round_.advance_threshold)


async def round_or_404(session: AsyncSession, round_id: str) -> Round:
    found = await session.get(Round, round_id)
    if found is None:
        raise ApiError(404, NOT_FOUND)
    return found


def require_status(round_: Round, *allowed: str, doing: str) -> None:
    if round_.status not in allowed:
        raise ApiError(
            409,
            f"Vòng chấm đang ở trạng thái «{round_.status}», không thể {doing}. "
            f"/ The round is {round_.status}: cannot {doing}.",
        )


async def create_round(
    session: AsyncSession, who: Principal, contest_id: str, data: RoundIn
) -> Round:
    await contest_or_404(session, contest_id)
    council = await council_or_404(session, data.council_id)
    problems: list[str] = []
    if council.contest_id != contest_id:
        problems.append("Hội đồng không thuộc cuộc thi này. / The council is not this contest's.")
    if council.kind != data.kind.value:
        problems.append(
            "Loại hội đồng không khớp với vòng chấm. / The council's kind does not match the round."
        )
    criteria = [Criterion(**c.model_dump()) for c in data.criteria]
    problems += criteria_problems(criteria)
    if data.deadline <= utc_now():
        problems.append("Hạn chấm phải ở tương lai. / The deadline must be in the future.")
    rule = AdvancementRule(top_n=data.advance_top_n, threshold=data.advance_threshold)
    if data.kind is RoundKind.PRELIMINARY:
        problems += rule_problems(rule)
        if data.ballot_enabled:
            problems.append(
                "Chỉ vòng chung khảo mới có bỏ phiếu kín. / Only the final round has a ballot."
            )
    else:
        previous = (
            await session.get(Round, data.previous_round_id) if data.previous_round_id else None
        )
        if previous is None or previous.contest_id != contest_id:
            problems.append(
                "Vòng chung khảo cần chọn vòng sơ khảo trước đó. "
                "/ The final round needs its preliminary round."
            )
        if data.award_mode is None:
            problems.append(
                "Hãy chọn cách xếp giải của vòng chung khảo. / Choose how the final awards tiers."
            )
    if problems:
        raise ApiError(422, "Vòng chấm chưa hợp lệ. / The round is not valid.", problems)
    round_ = Round(
        round_id=new_event_id(),
        contest_id=contest_id,
        council_id=council.council_id,
        previous_round_id=data.previous_round_id if data.kind is RoundKind.FINAL else None,
        kind=data.kind.value,
        name=data.name,
        criteria=[c.model_dump() for c in data.criteria],
        jurors_per_entry=data.jurors_per_entry,
        deadline=data.deadline,
        blind=data.blind,
        method=data.method.value,
        advance_top_n=data.advance_top_n,
        advance_threshold=data.advance_threshold,
        award_mode=data.award_mode.value if data.award_mode else None,
        ballot_enabled=data.ballot_enabled,
        ballot_quorum=data.ballot_quorum,
        ballot_majority=data.ballot_majority,
        reminder_hours=sorted(set(data.reminder_hours), reverse=True),
        status="draft",
        created_at=utc_now(),
    )
    session.add(round_)
    await record(
        session,
        actor=who.email,
        action="round.created",
        subject=round_.round_id,
        round_id=round_.round_id,
        data=data.model_dump(mode="json"),
    )
    return round_


async def jurors_of(session: AsyncSession, round_: Round) -> Sequence[CouncilMember]:
    return (
        await session.scalars(
            sa.select(CouncilMember)
            .where(CouncilMember.council_id == round_.council_id, CouncilMember.role == "juror")
            .order_by(CouncilMember.member_id)
        )
    ).all()


async def entry_pool(session: AsyncSession, round_: Round) -> list[EntryView]:
    """The entries a round judges: every accepted entry (preliminary), or those the
    preliminary round advanced (final)."""
    if round_.kind == RoundKind.PRELIMINARY.value:
        rows = await session.scalars(
            sa.select(EntryView)
            .where(EntryView.contest_id == round_.contest_id, EntryView.status == "accepted")
            .order_by(EntryView.code)
        )
        return list(rows.all())
    from ..results.service import advancing_from  # a round's results decide the next pool

    assert round_.previous_round_id is not None
    previous = await round_or_404(session, round_.previous_round_id)
    if previous.status not in ("closed", "approved"):
        raise ApiError(
            409,
            "Vòng sơ khảo chưa kết thúc: chưa biết tác phẩm nào vào chung khảo. "
            "/ The preliminary round is not closed yet.",
        )
    ids = await advancing_from(session, previous)
    rows = await session.scalars(
        sa.select(EntryView).where(EntryView.entry_id.in_(ids), EntryView.status == "accepted")
    )
    return sorted(rows.all(), key=lambda e: e.code)


async def release(
    session: AsyncSession, outbox: Outbox, who: Principal, round_id: str, public_url: str
) -> Round:
    """Jurors see their assignments from now on; each is told by e-mail and automatic
    reminders are planned before the deadline."""
    round_ = await round_or_404(session, round_id)
    require_status(round_, "assigned", doing="giao bài cho giám khảo")
    now = utc_now()
    round_.status = "released"
    round_.released_at = now
    contest = await session.get(ContestView, round_.contest_id)
    assert contest is not None
    counts = dict(
        (
            await session.execute(
                sa.select(Assignment.member_id, sa.func.count())
                .where(Assignment.round_id == round_id, Assignment.active.is_(True))
                .group_by(Assignment.member_id)
            )
        ).all()
    )
    for member in await jurors_of(session, round_):
        assigned = int(counts.get(member.member_id, 0))
        if not assigned:
            continue
        await outbox.stage(
            session,
            JurorAssigned(
                contest_id=round_.contest_id,
                payload=JurorAssignedPayload(
                    round_id=round_id,
                    round_name=round_.name,
                    contest_title=contest.title,
                    juror_id=member.member_id,
                    email=member.email,
                    display_name=member.display_name,
                    language=member.language,
                    assigned=assigned,
                    deadline=round_.deadline,
                    link=f"{public_url.rstrip('/')}/rounds/{round_id}",
                ),
            ),
        )
        for hours in round_.reminder_hours:
            due = round_.deadline - timedelta(hours=hours)
            if due > now:
                session.add(
                    Reminder(
                        reminder_id=new_event_id(),
                        round_id=round_id,
                        member_id=member.member_id,
                        kind="automatic",
                        due_at=due,
                        status="pending",
                        created_at=now,
                    )
                )
    await record(
        session,
        actor=who.email,
        action="round.released",
        subject=round_id,
        round_id=round_id,
        data={"jurors": {k: int(v) for k, v in counts.items()}},
    )
    return round_


async def extend_deadline(
    session: AsyncSession, who: Principal, round_id: str, data: DeadlineIn
) -> Round:
    round_ = await round_or_404(session, round_id)
    require_status(round_, "draft", "assigned", "released", doing="đổi hạn chấm")
    if data.deadline <= utc_now():
        raise ApiError(422, "Hạn chấm phải ở tương lai. / The deadline must be in the future.")
    old = round_.deadline
    round_.deadline = data.deadline
    pending = (
        await session.scalars(
            sa.select(Reminder).where(
                Reminder.round_id == round_id,
                Reminder.kind == "automatic",
                Reminder.status == "pending",
            )
        )
    ).all()
    for reminder in pending:  # keep each reminder the same time before the new deadline
        reminder.due_at = reminder.due_at + (data.deadline - old)
    await record(
        session,
        actor=who.email,
        action="round.deadline_changed",
        subject=round_id,
        round_id=round_id,
        data={"from": old.isoformat(), "to": data.deadline.isoformat(), "reason": data.reason},
    )
    return round_


async def close(
    session: AsyncSession, outbox: Outbox, who: Principal, round_id: str, data: CloseIn
) -> Round:
    """No more scoring; the round's results and advancement are fixed from the scores."""
    from ..results.service import advancing_from

    round_ = await round_or_404(session, round_id)
    require_status(round_, "released", doing="kết thúc vòng chấm")
    missing = await session.scalar(
        sa.select(sa.func.count())
        .select_from(Assignment)
        .outerjoin(Score, Score.assignment_id == Assignment.assignment_id)
        .where(
            Assignment.round_id == round_id,
            Assignment.active.is_(True),
            sa.or_(Score.status.is_(None), Score.status != "submitted"),
        )
    )
    reason = (data.unfinished_reason or "").strip()
    if missing and len(reason) < 5:
        raise ApiError(
            409,
            f"Còn {missing} phiếu chấm chưa nộp. Hãy nêu lý do nếu vẫn kết thúc vòng. "
            f"/ {missing} scores are not submitted; give a reason to close anyway.",
        )
    if round_.ballot_enabled:
        from ..ballots.service import open_ballot_no

        if await open_ballot_no(session, round_id) is not None:
            raise ApiError(
                409, "Còn một lượt bỏ phiếu đang mở. / A ballot is still open: close it first."
            )
    now = utc_now()
    round_.status = "closed"
    round_.closed_at = now
    await session.execute(
        sa.update(Reminder)
        .where(Reminder.round_id == round_id, Reminder.status == "pending")
        .values(status="cancelled")
    )
    advancing = (
        await advancing_from(session, round_) if round_.kind == RoundKind.PRELIMINARY else []
    )
    await record(
        session,
        actor=who.email,
        action="round.closed",
        subject=round_id,
        round_id=round_id,
        data={"missing": int(missing or 0), "reason": reason, "advancing": advancing},
    )
    await outbox.stage(
        session,
        RoundClosed(
            contest_id=round_.contest_id,
            payload=RoundClosedPayload(
                round_id=round_id,
                round_name=round_.name,
                kind=RoundKind(round_.kind),
                closed_at=now,
                method=round_.method,
                advancing=tuple(advancing),
            ),
        ),
    )
    return round_
