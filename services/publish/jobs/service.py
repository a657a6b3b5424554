"""Publication jobs: one per approved winner and configured outlet, never two (a re-approval,
or two replicas handling the same event, insert nothing twice); the organizers' actions on
them (retract, retry now, reschedule) and what their pages and API read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.errors import ApiError

from ..domain.jobs import (
    CANCELED,
    RETRACTING,
    SCHEDULED,
    first_due,
    may_reschedule,
    may_retry_now,
    retract_action,
    status_name,
)
from ..domain.outlets import takes_category
from ..outlets.models import OutletRecord
from ..winners.models import WinningWork
from ..winners.service import take_down
from .models import PublicationAttempt, PublicationJob

NOT_FOUND = "Không tìm thấy lượt đăng. / Publication job not found."
CANNOT_RETRACT = (
    "Lượt đăng này không gỡ được lúc này (đang đăng, đã gỡ hoặc đã huỷ) / this job cannot be "
    "retracted now (being published, already retracted or canceled)"
)
CANNOT_RETRY = "Lượt đăng này không thử lại được / this job cannot be tried again"
CANNOT_RESCHEDULE = (
    "Chỉ đổi lịch được lượt đăng đang chờ hoặc đã lỗi / only a waiting or failed job can be "
    "rescheduled"
)
REASON_NEEDED = "Cần ghi lý do gỡ (tối đa 500 ký tự) / give a reason (up to 500 characters)"
NO_LONGER_PUBLISHABLE = (
    "Kết quả được phê duyệt lại: tác phẩm không còn đoạt giải hoặc tác giả không còn đồng ý "
    "đăng lại / Results re-approved: the work no longer wins, or its authors no longer consent"
)
# Who retracts when a re-approval, not a person, takes a work down.
SYSTEM = Principal(
    account_id="system",
    email="",
    display_name="Lan Toả (phê duyệt lại kết quả)",
    roles=frozenset(),
)


async def _insert_jobs(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    """Insert the jobs not there yet; a concurrent planner's rows win quietly."""
    if not rows:
        return 0
    pairs = {(r["entry_id"], r["outlet_id"]) for r in rows}
    existing = {
        (e, o)
        for e, o in (
            await session.execute(
                sa.select(PublicationJob.entry_id, PublicationJob.outlet_id).where(
                    PublicationJob.entry_id.in_({e for e, _ in pairs}),
                    PublicationJob.outlet_id.in_({o for _, o in pairs}),
                )
            )
        ).all()
    }
    fresh = [r for r in rows if (r["entry_id"], r["outlet_id"]) not in existing]
    if not fresh:
        return 0
    dialect = (await session.connection()).dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(
        insert(PublicationJob).on_conflict_do_nothing(index_elements=["entry_id", "outlet_id"]),
        fresh,
    )
    return len(fresh)


def _job_row(contest_id: str, entry_id: str, outlet: OutletRecord, now: datetime) -> dict[str, Any]:
    due = first_due(now, outlet.publish_from)
    return {
        "job_id": uuid.uuid4().hex,
        "contest_id": contest_id,
        "entry_id": entry_id,
        "outlet_id": outlet.outlet_id,
        "status": SCHEDULED,
        "due_at": due,
        "attempts": 0,
        "next_attempt_at": due,
        "lease_until": None,
        "remote_id": None,
        "remote_url": None,
        "answer": {},
        "last_error": None,
        "retract_reason": None,
        "created_at": now,
        "updated_at": now,
        "published_at": None,
        "retracted_at": None,
    }


async def plan_publications(
    session: AsyncSession, contest_id: str, entry_ids: Sequence[str], now: datetime
) -> int:
    """Create the jobs of these winners at every outlet their category goes to, once each
    (a re-approval adds none twice). Only winners whose authors consented, not retracted.
    Returns how many were created."""
    if not entry_ids:
        return 0
    winners = (
        await session.execute(
            sa.select(WinningWork.entry_id, WinningWork.category_code).where(
                WinningWork.contest_id == contest_id,
                WinningWork.entry_id.in_(list(entry_ids)),
                WinningWork.consent.is_(True),
                WinningWork.retracted_at.is_(None),
            )
        )
    ).all()
    outlets = list(
        await session.scalars(
            sa.select(OutletRecord).where(
                OutletRecord.contest_id == contest_id, OutletRecord.active.is_(True)
            )
        )
    )
    rows = [
        _job_row(contest_id, entry_id, outlet, now)
        for entry_id, category in winners
        for outlet in outlets
        if takes_category(outlet.categories, category)
    ]
    return await _insert_jobs(session, rows)


async def plan_for_outlet(session: AsyncSession, outlet: OutletRecord, now: datetime) -> int:
    """An outlet was added, or its categories or first date changed: jobs for the winners
    already approved that it now takes; never-tried jobs it no longer takes are dropped, and
    never-tried jobs follow its new date."""
    winners = list(
        (
            await session.execute(
                sa.select(WinningWork.entry_id, WinningWork.category_code).where(
                    WinningWork.contest_id == outlet.contest_id,
                    WinningWork.consent.is_(True),
                    WinningWork.retracted_at.is_(None),
                )
            )
        ).all()
    )
    taken = [e for e, c in winners if takes_category(outlet.categories, c)]
    untaken = [e for e, c in winners if not takes_category(outlet.categories, c)]
    untried = sa.and_(
        PublicationJob.outlet_id == outlet.outlet_id,
        PublicationJob.status == SCHEDULED,
        PublicationJob.attempts == 0,
    )
    if untaken:
        await session.execute(
            sa.delete(PublicationJob).where(untried, PublicationJob.entry_id.in_(untaken))
        )
    due = first_due(now, outlet.publish_from)
    await session.execute(
        sa.update(PublicationJob)
        .where(untried)
        .values(due_at=due, next_attempt_at=due, updated_at=now)
    )
    rows = [_job_row(outlet.contest_id, e, outlet, now) for e in taken]
    return await _insert_jobs(session, rows)


# --- what pages and the API read -------------------------------------------------------------


@dataclass(frozen=True)
class JobView:
    job_id: str
    contest_id: str
    entry_id: str
    entry_code: str
    title: str
    outlet_id: str
    outlet_name: str
    outlet_kind: str
    status: str
    status_name: str
    due_at: datetime
    attempts: int
    next_attempt_at: datetime
    remote_id: str | None
    remote_url: str | None
    answer: dict[str, Any]
    last_error: str | None
    retract_reason: str | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    retracted_at: datetime | None


@dataclass(frozen=True)
class AttemptView:
    n: int
    action: str
    at: datetime
    outcome: str
    detail: str
    actor: str


async def list_jobs(
    session: AsyncSession,
    *,
    contest_id: str | None = None,
    status: str | None = None,
    entry_id: str | None = None,
    outlet_id: str | None = None,
    job_id: str | None = None,
    limit: int = 500,
) -> list[JobView]:
    query = (
        sa.select(
            PublicationJob,
            OutletRecord.name,
            OutletRecord.kind,
            WinningWork.code,
            WinningWork.title,
        )
        .join(OutletRecord, OutletRecord.outlet_id == PublicationJob.outlet_id)
        .outerjoin(WinningWork, WinningWork.entry_id == PublicationJob.entry_id)
        .order_by(PublicationJob.next_attempt_at.desc(), PublicationJob.job_id)
        .limit(limit)
    )
    if contest_id:
        query = query.where(PublicationJob.contest_id == contest_id)
    if status:
        query = query.where(PublicationJob.status == status)
    if entry_id:
        query = query.where(PublicationJob.entry_id == entry_id)
    if outlet_id:
        query = query.where(PublicationJob.outlet_id == outlet_id)
    if job_id:
        query = query.where(PublicationJob.job_id == job_id)
    return [
        _view(job, name, kind, code, title)
        for job, name, kind, code, title in (await session.execute(query)).all()
    ]


def _view(
    job: PublicationJob, name: str, kind: str, code: str | None, title: str | None
) -> JobView:
    return JobView(
        job_id=job.job_id,
        contest_id=job.contest_id,
        entry_id=job.entry_id,
        entry_code=code or "",
        title=title or "",
        outlet_id=job.outlet_id,
        outlet_name=name,
        outlet_kind=kind,
        status=job.status,
        status_name=status_name(job.status),
        due_at=job.due_at,
        attempts=job.attempts,
        next_attempt_at=job.next_attempt_at,
        remote_id=job.remote_id,
        remote_url=job.remote_url,
        answer=dict(job.answer or {}),
        last_error=job.last_error,
        retract_reason=job.retract_reason,
        created_at=job.created_at,
        updated_at=job.updated_at,
        published_at=job.published_at,
        retracted_at=job.retracted_at,
    )


async def job_view(session: AsyncSession, job_id: str) -> JobView:
    found = await list_jobs(session, job_id=job_id, limit=1)
    if not found:
        raise ApiError(404, NOT_FOUND)
    return found[0]


async def status_counts(session: AsyncSession, outlet_id: str | None = None) -> dict[str, int]:
    query = sa.select(PublicationJob.status, sa.func.count()).group_by(PublicationJob.status)
    if outlet_id:
        query = query.where(PublicationJob.outlet_id == outlet_id)
    return {status: int(n) for status, n in (await session.execute(query)).all()}


async def attempts_of(session: AsyncSession, job_id: str) -> list[AttemptView]:
    rows = await session.scalars(
        sa.select(PublicationAttempt)
        .where(PublicationAttempt.job_id == job_id)
        .order_by(PublicationAttempt.attempt_id)
    )
    return [AttemptView(r.n, r.action, r.at, r.outcome, r.detail, r.actor) for r in rows]


# --- the organizers' actions -----------------------------------------------------------------


async def _locked(session: AsyncSession, job_id: str) -> PublicationJob:
    job = await session.scalar(
        sa.select(PublicationJob).where(PublicationJob.job_id == job_id).with_for_update()
    )
    if job is None:
        raise ApiError(404, NOT_FOUND)
    return job


def _note(
    session: AsyncSession,
    job: PublicationJob,
    action: str,
    detail: str,
    who: Principal,
    now: datetime,
) -> None:
    session.add(
        PublicationAttempt(
            job_id=job.job_id,
            n=job.attempts,
            action=action,
            at=now,
            outcome="requested",
            detail=detail,
            actor=who.account_id,
        )
    )


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise ApiError(422, REASON_NEEDED)
    return reason


async def retract_job(
    session: AsyncSession, job_id: str, reason: str, who: Principal, now: datetime
) -> str:
    """Take a published work down at the outlet (the runner does it), or cancel a job not yet
    published. Returns the job's new status."""
    reason = _reason(reason)
    job = await _locked(session, job_id)
    action = retract_action(job.status)
    if action is None:
        raise ApiError(409, CANNOT_RETRACT)
    job.retract_reason = reason
    job.updated_at = now
    if action == "cancel":
        job.status = CANCELED
        job.lease_until = None
    else:
        job.status = RETRACTING
        job.attempts = 0  # counts the tries to take it down from here
        job.next_attempt_at = now
        job.lease_until = None
    _note(session, job, "retract", reason, who, now)
    return job.status


async def retract_winner(
    session: AsyncSession, entry_id: str, reason: str, who: Principal, now: datetime
) -> int:
    """Take a winner down everywhere: off our gallery and canceled in the feeds, and every
    job that can be retracted at its outlet; returns how many jobs."""
    reason = _reason(reason)
    if await session.get(WinningWork, entry_id) is None:
        raise ApiError(404, NOT_FOUND)
    await take_down(session, entry_id, reason, now)
    ids = list(
        await session.scalars(
            sa.select(PublicationJob.job_id).where(PublicationJob.entry_id == entry_id)
        )
    )
    count = 0
    for job_id in ids:
        job = await _locked(session, job_id)
        if retract_action(job.status) is not None:
            await retract_job(session, job_id, reason, who, now)
            count += 1
    return count


async def retry_now(session: AsyncSession, job_id: str, who: Principal, now: datetime) -> None:
    job = await _locked(session, job_id)
    if not may_retry_now(job.status):
        raise ApiError(409, CANNOT_RETRY)
    if job.status != RETRACTING:
        job.status = SCHEDULED
        if job.attempts > 0:
            job.attempts = 0  # a person asked: a fresh round of tries
    job.next_attempt_at = now
    job.lease_until = None
    job.updated_at = now
    _note(session, job, "retry", "Thử lại ngay / retry now", who, now)


async def reschedule(
    session: AsyncSession, job_id: str, at: datetime, who: Principal, now: datetime
) -> None:
    if at.tzinfo is None:
        raise ApiError(422, "Thời điểm cần có múi giờ / the time needs a time zone")
    job = await _locked(session, job_id)
    if not may_reschedule(job.status):
        raise ApiError(409, CANNOT_RESCHEDULE)
    job.status = SCHEDULED
    job.due_at = at
    job.next_attempt_at = at
    job.lease_until = None
    job.updated_at = now
    _note(session, job, "reschedule", f"Đăng lúc / publish at {at.isoformat()}", who, now)


async def retract_unpublishable(
    session: AsyncSession, contest_id: str, publishable: Sequence[str], now: datetime
) -> int:
    """After a re-approval: retract the jobs of works no longer in the results or whose authors
    no longer consent. Returns how many jobs."""
    stale = list(
        await session.scalars(
            sa.select(PublicationJob.job_id).where(
                PublicationJob.contest_id == contest_id,
                PublicationJob.entry_id.not_in(list(publishable)),
            )
        )
    )
    count = 0
    for job_id in stale:
        job = await _locked(session, job_id)
        if retract_action(job.status) is not None:
            await retract_job(session, job_id, NO_LONGER_PUBLISHABLE, SYSTEM, now)
            count += 1
    return count
