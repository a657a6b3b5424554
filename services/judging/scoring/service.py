"""A juror's work: their rounds and assignments, an entry as they may see it, points saved as
a draft or submitted (locked), a conflict declared; and the secretariat reopening a score.

A juror reaches an entry only through one of their own active assignments in a released
round: anything else answers "not found", so nobody learns what exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import new_event_id, utc_now
from shared.contracts.judging import ScoreSubmitted, ScoreSubmittedPayload
from shared.errors import ApiError
from shared.messaging.outbox import Outbox

from ..audit.service import record
from ..domain.assignment import pick_replacement
from ..domain.criteria import points_problems, weighted_total
from ..models import (
    Assignment,
    ConflictDeclaration,
    CouncilMember,
    EntryCredits,
    EntryView,
    Reminder,
    Round,
    Score,
)
from ..rounds.assignment import conflicts_for, eligible
from ..rounds.service import criteria_of, jurors_of, round_or_404

NOT_YOURS = "Không tìm thấy bài được phân công. / Assignment not found."
CONFLICTED = (
    "Bạn đã khai báo xung đột lợi ích với tác phẩm này nên không thể xem hay chấm nữa. "
    "/ You declared a conflict of interest with this entry."
)


@dataclass(frozen=True)
class RoundProgress:
    round: Round
    member: CouncilMember
    assigned: int
    submitted: int


@dataclass(frozen=True)
class AssignmentRow:
    assignment_id: str
    entry_code: str
    title: str
    category_code: str
    category_name: str
    status: str  # todo | draft | submitted
    total: float | None


@dataclass(frozen=True)
class JurorEntry:
    """What a juror sees of an assigned entry."""

    assignment: Assignment
    round: Round
    member: CouncilMember
    entry: EntryView
    score: Score | None
    credits: list[dict[str, Any]] | None  # only in a round that is not blind
    can_edit: bool


async def my_rounds(session: AsyncSession, who: Principal) -> list[RoundProgress]:
    members = (
        await session.scalars(
            sa.select(CouncilMember).where(
                CouncilMember.email == who.email.lower(), CouncilMember.role == "juror"
            )
        )
    ).all()
    found: list[RoundProgress] = []
    for member in members:
        rounds = (
            await session.scalars(
                sa.select(Round)
                .where(
                    Round.council_id == member.council_id,
                    Round.status.in_(("released", "closed", "approved")),
                )
                .order_by(Round.created_at)
            )
        ).all()
        for round_ in rounds:
            assigned, submitted = await juror_progress(session, round_.round_id, member.member_id)
            if assigned or round_.ballot_enabled:
                found.append(RoundProgress(round_, member, assigned, submitted))
    return found


async def juror_progress(session: AsyncSession, round_id: str, member_id: str) -> tuple[int, int]:
    row = (
        await session.execute(
            sa.select(
                sa.func.count(Assignment.assignment_id),
                sa.func.count(Score.assignment_id).filter(Score.status == "submitted"),
            )
            .select_from(Assignment)
            .outerjoin(Score, Score.assignment_id == Assignment.assignment_id)
            .where(
                Assignment.round_id == round_id,
                Assignment.member_id == member_id,
                Assignment.active.is_(True),
            )
        )
    ).one()
    return int(row[0]), int(row[1])


async def member_in_round(session: AsyncSession, who: Principal, round_: Round) -> CouncilMember:
    """The signed-in juror's membership in the round's council, once the round is released."""
    member = await session.scalar(
        sa.select(CouncilMember).where(
            CouncilMember.council_id == round_.council_id,
            CouncilMember.email == who.email.lower(),
            CouncilMember.role == "juror",
        )
    )
    if member is None or round_.status not in ("released", "closed", "approved"):
        raise ApiError(404, "Không tìm thấy vòng chấm. / Round not found.")
    return member


async def my_assignments(
    session: AsyncSession, who: Principal, round_id: str
) -> tuple[Round, CouncilMember, list[AssignmentRow]]:
    round_ = await round_or_404(session, round_id)
    member = await member_in_round(session, who, round_)
    rows = await session.execute(
        sa.select(
            Assignment.assignment_id,
            EntryView.code,
            EntryView.title,
            EntryView.category_code,
            EntryView.category_name,
            Score.status,
            Score.total,
        )
        .join(EntryView, EntryView.entry_id == Assignment.entry_id)
        .outerjoin(Score, Score.assignment_id == Assignment.assignment_id)
        .where(
            Assignment.round_id == round_id,
            Assignment.member_id == member.member_id,
            Assignment.active.is_(True),
        )
        .order_by(EntryView.category_code, EntryView.code)
    )
    return (
        round_,
        member,
        [
            AssignmentRow(a, code, title, cat, cat_name, status or "todo", total)
            for a, code, title, cat, cat_name, status, total in rows
        ],
    )


PAGE_SIZE = 100
STATUS_FILTERS = ("todo", "draft", "submitted")


@dataclass(frozen=True)
class AssignmentPage:
    """One page of a juror's list, with the counts of every status over the whole list."""

    round: Round
    member: CouncilMember
    rows: list[AssignmentRow]
    counts: dict[str, int]
    page: int
    pages: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _status_filter(status: str | None) -> sa.ColumnElement[bool] | None:
    if status == "todo":
        return Score.status.is_(None)
    if status in ("draft", "submitted"):
        return Score.status == status
    return None


async def my_assignment_page(
    session: AsyncSession, who: Principal, round_id: str, status: str | None, page: int
) -> AssignmentPage:
    """A page of PAGE_SIZE rows: a juror with 2,000 entries gets them without waiting for all."""
    round_ = await round_or_404(session, round_id)
    member = await member_in_round(session, who, round_)
    mine = sa.and_(
        Assignment.round_id == round_id,
        Assignment.member_id == member.member_id,
        Assignment.active.is_(True),
    )
    counted = await session.execute(
        sa.select(Score.status, sa.func.count())
        .select_from(Assignment)
        .outerjoin(Score, Score.assignment_id == Assignment.assignment_id)
        .where(mine)
        .group_by(Score.status)
    )
    counts = {code: 0 for code in STATUS_FILTERS}
    for code, n in counted:
        counts[code or "todo"] = int(n)
    shown = counts.get(status, 0) if status in STATUS_FILTERS else sum(counts.values())
    pages = max(1, -(-shown // PAGE_SIZE))
    page = min(max(page, 1), pages)
    query = (
        sa.select(
            Assignment.assignment_id,
            EntryView.code,
            EntryView.title,
            EntryView.category_code,
            EntryView.category_name,
            Score.status,
            Score.total,
        )
        .join(EntryView, EntryView.entry_id == Assignment.entry_id)
        .outerjoin(Score, Score.assignment_id == Assignment.assignment_id)
        .where(mine)
        .order_by(EntryView.category_code, EntryView.code)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    condition = _status_filter(status)
    if condition is not None:
        query = query.where(condition)
    rows = [
        AssignmentRow(a, code, title, cat, cat_name, st or "todo", total)
        for a, code, title, cat, cat_name, st, total in await session.execute(query)
    ]
    return AssignmentPage(round_, member, rows, counts, page, pages)


@dataclass(frozen=True)
class Neighbour:
    assignment_id: str
    entry_code: str


@dataclass(frozen=True)
class Whereabouts:
    """Where an assignment sits in the juror's list: before, after, n of total."""

    previous: Neighbour | None
    next: Neighbour | None
    position: int
    count: int


async def whereabouts(
    session: AsyncSession, assignment: Assignment, entry: EntryView
) -> Whereabouts:
    key = sa.tuple_(EntryView.category_code, EntryView.code)
    here = sa.tuple_(sa.literal(entry.category_code), sa.literal(entry.code))
    mine = (
        Assignment.round_id == assignment.round_id,
        Assignment.member_id == assignment.member_id,
        Assignment.active.is_(True),
    )
    base = (
        sa.select(Assignment.assignment_id, EntryView.code)
        .join(EntryView, EntryView.entry_id == Assignment.entry_id)
        .where(*mine)
        .limit(1)
    )
    before = (
        await session.execute(
            base.where(key < here).order_by(EntryView.category_code.desc(), EntryView.code.desc())
        )
    ).first()
    after = (
        await session.execute(
            base.where(key > here).order_by(EntryView.category_code, EntryView.code)
        )
    ).first()
    counted = (
        await session.execute(
            sa.select(sa.func.count(), sa.func.count().filter(key < here))
            .select_from(Assignment)
            .join(EntryView, EntryView.entry_id == Assignment.entry_id)
            .where(*mine)
        )
    ).one()
    return Whereabouts(
        previous=Neighbour(*before) if before else None,
        next=Neighbour(*after) if after else None,
        position=int(counted[1]) + 1,
        count=int(counted[0]),
    )


async def _my_assignment(
    session: AsyncSession, who: Principal, assignment_id: str
) -> tuple[Assignment, Round, CouncilMember]:
    assignment = await session.get(Assignment, assignment_id)
    if assignment is None:
        raise ApiError(404, NOT_YOURS)
    member = await session.get(CouncilMember, assignment.member_id)
    round_ = await session.get(Round, assignment.round_id)
    if member is None or round_ is None or member.email != who.email.lower():
        raise ApiError(404, NOT_YOURS)
    if round_.status not in ("released", "closed", "approved"):
        raise ApiError(404, NOT_YOURS)
    if not assignment.active:
        declared = await session.scalar(
            sa.select(ConflictDeclaration.declaration_id).where(
                ConflictDeclaration.round_id == round_.round_id,
                ConflictDeclaration.entry_id == assignment.entry_id,
                ConflictDeclaration.member_id == member.member_id,
            )
        )
        raise ApiError(403, CONFLICTED) if declared else ApiError(404, NOT_YOURS)
    return assignment, round_, member


async def entry_for_juror(session: AsyncSession, who: Principal, assignment_id: str) -> JurorEntry:
    assignment, round_, member = await _my_assignment(session, who, assignment_id)
    entry = await session.get(EntryView, assignment.entry_id)
    assert entry is not None
    score = await session.get(Score, assignment_id)
    credits = None
    if not round_.blind:
        sealed = await session.get(EntryCredits, entry.entry_id)
        credits = sealed.authors if sealed else []
    can_edit = (
        round_.status == "released"
        and utc_now() < round_.deadline
        and (score is None or score.status != "submitted")
    )
    return JurorEntry(assignment, round_, member, entry, score, credits, can_edit)


async def save_score(
    session: AsyncSession,
    outbox: Outbox,
    who: Principal,
    assignment_id: str,
    points: dict[str, float | None],
    comment: str,
    submit: bool,
) -> Score:
    assignment, round_, member = await _my_assignment(session, who, assignment_id)
    now = utc_now()
    if round_.status != "released" or now >= round_.deadline:
        raise ApiError(
            409, "Đã hết hạn chấm của vòng này. / The deadline of this round has passed."
        )
    score = await session.get(Score, assignment_id)
    if score is not None and score.status == "submitted":
        raise ApiError(
            409,
            "Phiếu chấm đã nộp và bị khoá; chỉ Tổ Thư ký mới mở lại được. "
            "/ This score is submitted and locked; only the secretariat can reopen it.",
        )
    criteria = criteria_of(round_)
    problems = points_problems(criteria, points, complete=submit)
    if problems:
        raise ApiError(422, "Điểm chưa hợp lệ. / The points are not valid.", problems)
    complete = {k: v for k, v in points.items() if v is not None}
    total = weighted_total(criteria, complete) if len(complete) == len(criteria) else None
    if score is None:
        score = Score(
            assignment_id=assignment_id,
            round_id=round_.round_id,
            entry_id=assignment.entry_id,
            member_id=member.member_id,
        )
        session.add(score)
    score.points = dict(points)
    score.comment = comment.strip()
    score.total = total
    score.updated_at = now
    score.status = "submitted" if submit else "draft"
    score.submitted_at = now if submit else None
    if not submit:
        return score
    entry = await session.get(EntryView, assignment.entry_id)
    assert entry is not None
    await session.flush()
    assigned, submitted = await juror_progress(session, round_.round_id, member.member_id)
    await record(
        session,
        actor=who.email,
        action="score.submitted",
        subject=assignment_id,
        round_id=round_.round_id,
        data={
            "entry_id": assignment.entry_id,
            "member_id": member.member_id,
            "category_id": entry.category_id,
            "points": score.points,
            "total": total,
            "comment": score.comment,
        },
        at=now,
    )
    await outbox.stage(
        session,
        ScoreSubmitted(
            contest_id=round_.contest_id,
            payload=ScoreSubmittedPayload(
                round_id=round_.round_id,
                entry_id=assignment.entry_id,
                entry_code=entry.code,
                juror_id=member.member_id,
                submitted_at=now,
                progress_done=submitted,
                progress_total=assigned,
            ),
        ),
    )
    if submitted >= assigned:  # done: the reminders still planned are not needed
        await cancel_reminders(session, round_.round_id, member.member_id)
    return score


async def cancel_reminders(session: AsyncSession, round_id: str, member_id: str) -> None:
    await session.execute(
        sa.update(Reminder)
        .where(
            Reminder.round_id == round_id,
            Reminder.member_id == member_id,
            Reminder.status == "pending",
        )
        .values(status="cancelled")
    )


async def declare_conflict(
    session: AsyncSession, who: Principal, assignment_id: str, reason: str
) -> Assignment | None:
    """The juror steps back from an entry; the declaration is kept and the entry goes to
    another juror of the subcommittee (the least loaded one without a conflict)."""
    assignment, round_, member = await _my_assignment(session, who, assignment_id)
    if round_.status != "released" or utc_now() >= round_.deadline:
        # Too late to hand the entry to someone else: the secretariat moves it by hand.
        raise ApiError(
            409,
            "Vòng chấm đã kết thúc hoặc đã hết hạn; hãy báo Tổ Thư ký. "
            "/ The round is closed or past its deadline; tell the secretariat.",
        )
    score = await session.get(Score, assignment_id)
    if score is not None and score.status == "submitted":
        raise ApiError(
            409,
            "Bạn đã nộp điểm bài này; hãy báo Tổ Thư ký. "
            "/ You already submitted this score; tell the secretariat.",
        )
    now = utc_now()
    session.add(
        ConflictDeclaration(
            declaration_id=new_event_id(),
            round_id=round_.round_id,
            entry_id=assignment.entry_id,
            member_id=member.member_id,
            reason=reason,
            declared_at=now,
        )
    )
    if score is not None:
        await session.delete(score)
    assignment.active = False
    assignment.ended_at = now
    assignment.ended_reason = "conflict declared"
    await session.flush()
    entry = await session.get(EntryView, assignment.entry_id)
    assert entry is not None
    jurors = [m for m in await jurors_of(session, round_) if eligible(m, entry)]
    conflicts = await conflicts_for(session, round_, jurors, [entry])
    active = (
        await session.execute(
            sa.select(Assignment.entry_id, Assignment.member_id).where(
                Assignment.round_id == round_.round_id, Assignment.active.is_(True)
            )
        )
    ).all()
    replacement = pick_replacement(
        entry.entry_id,
        member.member_id,
        [(e, m) for e, m in active],
        [m.member_id for m in jurors],
        conflicts | {(entry.entry_id, member.member_id)},
    )
    moved: Assignment | None = None
    if replacement is not None:
        moved = Assignment(
            assignment_id=new_event_id(),
            round_id=round_.round_id,
            entry_id=entry.entry_id,
            member_id=replacement,
            active=True,
            created_at=now,
        )
        session.add(moved)
    await record(
        session,
        actor=who.email,
        action="conflict.declared",
        subject=assignment_id,
        round_id=round_.round_id,
        data={
            "entry_id": entry.entry_id,
            "member_id": member.member_id,
            "reason": reason,
            "new_assignment_id": moved.assignment_id if moved else None,
            "new_member_id": replacement,
        },
        at=now,
    )
    return moved


async def reopen(session: AsyncSession, who: Principal, assignment_id: str, reason: str) -> Score:
    """The secretariat unlocks a submitted score so the juror can correct it."""
    score = await session.get(Score, assignment_id)
    if score is None or score.status != "submitted":
        raise ApiError(404, "Không có phiếu chấm đã nộp để mở lại. / No submitted score here.")
    round_ = await round_or_404(session, score.round_id)
    if round_.status != "released":
        raise ApiError(409, "Vòng chấm đã kết thúc, không mở lại được. / The round is closed.")
    now = utc_now()
    score.status = "draft"
    score.submitted_at = None
    score.updated_at = now
    await _replan_reminders(session, round_, score.member_id, now)
    await record(
        session,
        actor=who.email,
        action="score.reopened",
        subject=assignment_id,
        round_id=round_.round_id,
        data={"entry_id": score.entry_id, "member_id": score.member_id, "reason": reason},
    )
    return score


async def _replan_reminders(
    session: AsyncSession, round_: Round, member_id: str, now: datetime
) -> None:
    """A reopened score is work again: the automatic reminders still ahead come back."""
    for hours in round_.reminder_hours:
        due = round_.deadline - timedelta(hours=hours)
        if due <= now:
            continue
        planned = await session.scalar(
            sa.select(Reminder.reminder_id).where(
                Reminder.round_id == round_.round_id,
                Reminder.member_id == member_id,
                Reminder.kind == "automatic",
                Reminder.due_at == due,
                Reminder.status == "pending",
            )
        )
        if planned is None:
            session.add(
                Reminder(
                    reminder_id=new_event_id(),
                    round_id=round_.round_id,
                    member_id=member_id,
                    kind="automatic",
                    due_at=due,
                    status="pending",
                    created_at=now,
                )
            )
