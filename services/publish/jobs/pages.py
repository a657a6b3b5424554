"""The organizers' publication schedule (/quan-ly/lich-dang): jobs by status with the
outlet's answer, link or error; retry now, reschedule, and retract with a reason (confirmed
by a tick, no script needed)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from shared.contracts.base import utc_now
from shared.errors import ApiError
from shared.pages.rendering import VIETNAM_TZ, redirect
from shared.web import Runtime

from ..domain.jobs import STATUS_NAMES, STATUSES
from ..pages.rendering import OrganizerPage, page_router, render
from . import service

router = page_router()

PAGE = "/quan-ly/lich-dang"
CONFIRM = "Hãy đánh dấu ô xác nhận gỡ bài / tick the box to confirm the retraction"
BAD_TIME = "Thời điểm đăng không hợp lệ / the publishing time is not valid"


async def _page(
    request: Request,
    runtime: Runtime,
    status: str,
    outlet_id: str,
    problem: str | None = None,
    code: int = 200,
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        jobs = await service.list_jobs(session, status=status or None, outlet_id=outlet_id or None)
        counts = {s: 0 for s in STATUSES}
        counts.update(await service.status_counts(session, outlet_id or None))
    context = {
        "jobs": jobs,
        "status": status,
        "outlet_id": outlet_id,
        "statuses": STATUSES,
        "status_names": STATUS_NAMES,
        "counts": counts,
        "problem": problem,
    }
    return render(request, "jobs.html", context, status=code)


def _back(raw: dict[str, str], **flag: str) -> str:
    kept = {k: raw[k] for k in ("status", "outlet_id") if raw.get(k)}
    return f"{PAGE}?{urlencode({**kept, **flag})}"


@router.get(PAGE, response_class=HTMLResponse)
async def jobs_page(
    request: Request, runtime: Runtime, _: OrganizerPage, status: str = "", outlet_id: str = ""
) -> HTMLResponse:
    return await _page(request, runtime, status if status in STATUSES else "", outlet_id)


@router.get(PAGE + "/{job_id}", response_class=HTMLResponse)
async def job_page(request: Request, runtime: Runtime, _: OrganizerPage, job_id: str) -> Response:
    async with runtime.db.reading() as session:
        job = await service.job_view(session, job_id)
        tries = await service.attempts_of(session, job_id)
    return render(request, "job.html", {"job": job, "tries": tries})


async def _act(
    request: Request, runtime: Runtime, job_id: str, action: str, who: OrganizerPage
) -> Response:
    raw = {k: str(v) for k, v in (await request.form()).items()}
    now = utc_now()
    try:
        async with runtime.db.transaction() as session:
            if action == "retract":
                if raw.get("confirm") != "on":
                    raise ApiError(422, CONFIRM)
                await service.retract_job(session, job_id, raw.get("reason", ""), who, now)
            elif action == "retract_winner":
                if raw.get("confirm") != "on":
                    raise ApiError(422, CONFIRM)
                job = await service.job_view(session, job_id)
                await service.retract_winner(session, job.entry_id, raw.get("reason", ""), who, now)
            elif action == "retry":
                await service.retry_now(session, job_id, who, now)
            else:
                try:
                    at = datetime.fromisoformat(raw.get("at", "")).replace(
                        tzinfo=ZoneInfo(VIETNAM_TZ)
                    )
                except ValueError as error:
                    raise ApiError(422, BAD_TIME) from error
                await service.reschedule(session, job_id, at, who, now)
    except ApiError as error:
        if error.status == 404:
            raise
        return await _page(
            request,
            runtime,
            raw.get("status", ""),
            raw.get("outlet_id", ""),
            problem=error.message,
            code=error.status,
        )
    return redirect(_back(raw, done=action))


@router.post(PAGE + "/{job_id}/go", response_class=HTMLResponse)
async def retract(request: Request, runtime: Runtime, who: OrganizerPage, job_id: str) -> Response:
    return await _act(request, runtime, job_id, "retract", who)


@router.post(PAGE + "/{job_id}/go-moi-kenh", response_class=HTMLResponse)
async def retract_everywhere(
    request: Request, runtime: Runtime, who: OrganizerPage, job_id: str
) -> Response:
    return await _act(request, runtime, job_id, "retract_winner", who)


@router.post(PAGE + "/{job_id}/thu-lai", response_class=HTMLResponse)
async def retry(request: Request, runtime: Runtime, who: OrganizerPage, job_id: str) -> Response:
    return await _act(request, runtime, job_id, "retry", who)


@router.post(PAGE + "/{job_id}/doi-lich", response_class=HTMLResponse)
async def reschedule(
    request: Request, runtime: Runtime, who: OrganizerPage, job_id: str
) -> Response:
    return await _act(request, runtime, job_id, "reschedule", who)
