"""Organizers' publication jobs API: what was published where (with the outlet's answer),
retract, retry now, reschedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from shared.contracts.base import utc_now
from shared.logs import get_logger
from shared.web import Runtime

from ..deps import Organizer
from . import service
from .service import AttemptView, JobView

log = get_logger("lantoa.publish.jobs")

router = APIRouter(prefix="/api/jobs", tags=["publication jobs"])


@dataclass(frozen=True)
class JobDetail(JobView):
    """A job with every try, as the API answers it."""

    attempts_log: list[AttemptView]


class RetractIn(BaseModel):
    reason: str = Field(max_length=500)


class WinnerRetractIn(RetractIn):
    entry_id: str = Field(min_length=1, max_length=64)


class RescheduleIn(BaseModel):
    at: datetime


class Retracted(BaseModel):
    jobs: int


@router.get("", response_model=list[JobView], summary="Publication jobs, filtered")
async def list_jobs(
    runtime: Runtime,
    _: Organizer,
    contest_id: str = "",
    status: str = "",
    entry_id: str = "",
    outlet_id: str = "",
) -> list[JobView]:
    async with runtime.db.reading() as session:
        jobs = await service.list_jobs(
            session,
            contest_id=contest_id or None,
            status=status or None,
            entry_id=entry_id or None,
            outlet_id=outlet_id or None,
        )
    return jobs


async def _detail(runtime: Runtime, job_id: str) -> JobDetail:
    async with runtime.db.reading() as session:
        job = await service.job_view(session, job_id)
        log_ = await service.attempts_of(session, job_id)
    return JobDetail(**vars(job), attempts_log=log_)


@router.get("/{job_id}", response_model=JobDetail, summary="One job, with every try")
async def get_job(job_id: str, runtime: Runtime, _: Organizer) -> JobDetail:
    return await _detail(runtime, job_id)


@router.post("/{job_id}/retract", response_model=JobDetail, summary="Take the work down")
async def retract(job_id: str, body: RetractIn, runtime: Runtime, who: Organizer) -> JobDetail:
    async with runtime.db.transaction() as session:
        status = await service.retract_job(session, job_id, body.reason, who, utc_now())
    log.info("publication retracted", job_id=job_id, status=status, by=who.account_id)
    return await _detail(runtime, job_id)


@router.post("/retract-winner", response_model=Retracted, summary="Retract a winner everywhere")
async def retract_winner(body: WinnerRetractIn, runtime: Runtime, who: Organizer) -> Retracted:
    async with runtime.db.transaction() as session:
        count = await service.retract_winner(session, body.entry_id, body.reason, who, utc_now())
    log.info("winner retracted", entry_id=body.entry_id, jobs=count, by=who.account_id)
    return Retracted(jobs=count)


@router.post("/{job_id}/retry", response_model=JobDetail, summary="Try again now")
async def retry(job_id: str, runtime: Runtime, who: Organizer) -> JobDetail:
    async with runtime.db.transaction() as session:
        await service.retry_now(session, job_id, who, utc_now())
    return await _detail(runtime, job_id)


@router.post("/{job_id}/reschedule", response_model=JobDetail, summary="Publish at another time")
async def reschedule(
    job_id: str, body: RescheduleIn, runtime: Runtime, who: Organizer
) -> JobDetail:
    async with runtime.db.transaction() as session:
        await service.reschedule(session, job_id, body.at, who, utc_now())
    return await _detail(runtime, job_id)
