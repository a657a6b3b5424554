"""Rounds API for the secretariat: set up, assign, move, release, follow, remind, close."""

from __future__ import annotations

from fastapi import APIRouter

from shared.web import Runtime

from ..deps import Staff, judging_settings
from ..models import CouncilMember, EntryView
from ..reminders.service import remind_now
from ..scoring.service import reopen
from .assignment import assign, move
from .schemas import (
    AssignmentOut,
    AssignOut,
    CloseIn,
    DeadlineIn,
    MoveIn,
    ProgressOut,
    ReasonIn,
    RemindIn,
    RoundIn,
    RoundOut,
)
from .service import close, create_round, extend_deadline, release, round_or_404
from .views import assignments_of, progress_of, round_out, rounds_of

router = APIRouter(prefix="/api", tags=["rounds"])


@router.get("/contests/{contest_id}/rounds", response_model=list[RoundOut])
async def list_rounds(contest_id: str, runtime: Runtime, _: Staff) -> list[RoundOut]:
    async with runtime.db.reading() as session:
        return await rounds_of(session, contest_id)


@router.post("/contests/{contest_id}/rounds", response_model=RoundOut, status_code=201)
async def new_round(contest_id: str, body: RoundIn, runtime: Runtime, who: Staff) -> RoundOut:
    async with runtime.db.transaction() as session:
        return round_out(await create_round(session, who, contest_id, body))


@router.get("/rounds/{round_id}", response_model=RoundOut)
async def get_round(round_id: str, runtime: Runtime, _: Staff) -> RoundOut:
    async with runtime.db.reading() as session:
        return round_out(await round_or_404(session, round_id))


@router.post("/rounds/{round_id}/assign", response_model=AssignOut)
async def auto_assign(round_id: str, runtime: Runtime, who: Staff) -> AssignOut:
    async with runtime.db.transaction() as session:
        return await assign(session, who, round_id)


@router.get("/rounds/{round_id}/assignments", response_model=list[AssignmentOut])
async def assignments(round_id: str, runtime: Runtime, _: Staff) -> list[AssignmentOut]:
    async with runtime.db.reading() as session:
        return await assignments_of(session, round_id)


@router.post("/rounds/{round_id}/move", response_model=AssignmentOut)
async def move_assignment(
    round_id: str, body: MoveIn, runtime: Runtime, who: Staff
) -> AssignmentOut:
    async with runtime.db.transaction() as session:
        moved = await move(session, who, round_id, body)
        entry = await session.get(EntryView, moved.entry_id)
        member = await session.get(CouncilMember, moved.member_id)
        assert entry is not None
        assert member is not None
        return AssignmentOut(
            assignment_id=moved.assignment_id,
            entry_id=moved.entry_id,
            entry_code=entry.code,
            category_code=entry.category_code,
            member_id=moved.member_id,
            juror_name=member.display_name,
            active=True,
            ended_reason=None,
            score_status=None,
        )


@router.post("/rounds/{round_id}/release", response_model=RoundOut)
async def release_round(round_id: str, runtime: Runtime, who: Staff) -> RoundOut:
    url = judging_settings(runtime).public_url
    async with runtime.db.transaction() as session:
        return round_out(await release(session, runtime.outbox, who, round_id, url))


@router.post("/rounds/{round_id}/deadline", response_model=RoundOut)
async def change_deadline(
    round_id: str, body: DeadlineIn, runtime: Runtime, who: Staff
) -> RoundOut:
    async with runtime.db.transaction() as session:
        return round_out(await extend_deadline(session, who, round_id, body))


@router.post("/rounds/{round_id}/close", response_model=RoundOut)
async def close_round(round_id: str, body: CloseIn, runtime: Runtime, who: Staff) -> RoundOut:
    async with runtime.db.transaction() as session:
        return round_out(await close(session, runtime.outbox, who, round_id, body))


@router.post("/rounds/{round_id}/remind")
async def remind(
    round_id: str, body: RemindIn, runtime: Runtime, who: Staff
) -> dict[str, list[str]]:
    url = judging_settings(runtime).public_url
    async with runtime.db.transaction() as session:
        reminded = await remind_now(
            session, runtime.outbox, who, round_id, body.member_ids, body.note, url
        )
    return {"reminded": reminded}


@router.post("/scores/{assignment_id}/reopen", status_code=204)
async def reopen_score(assignment_id: str, body: ReasonIn, runtime: Runtime, who: Staff) -> None:
    async with runtime.db.transaction() as session:
        await reopen(session, who, assignment_id, body.reason)


@router.get("/rounds/{round_id}/progress", response_model=ProgressOut)
async def progress(round_id: str, runtime: Runtime, _: Staff) -> ProgressOut:
    async with runtime.db.reading() as session:
        return await progress_of(session, round_id)
