"""The runner: publishes due jobs at their outlets and takes retracted ones down.

Jobs are claimed with a lease in one short transaction (SKIP LOCKED on PostgreSQL, so two
replicas never take the same job), the outlet is called outside any transaction, and the
outcome is recorded with its attempt and its event (PublicationCompleted, or
PublicationFailed when it gives up) in one transaction, through the outbox. A replica that
dies mid-call leaves a lease that runs out; the job is then tried again.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from shared.addresses import internal_address_of
from shared.contracts.base import utc_now
from shared.contracts.publish import (
    PublicationCompleted,
    PublicationFailed,
    PublicationPayload,
)
from shared.logs import get_logger
from shared.runtime import ServiceRuntime

from ..domain.jobs import (
    CANCELED,
    FAILED,
    PUBLISHED,
    RETRACTED,
    RETRACTING,
    RUNNING,
    SCHEDULED,
    after_temporary_failure,
    gave_up,
    retry_delay,
)
from ..domain.outlets import ADDRESS_INTERNAL
from ..outlets.base import (
    Context,
    Outlet,
    PermanentFailure,
    Published,
    TemporaryFailure,
    Work,
)
from ..outlets.crypto import CredentialsUnavailable
from ..outlets.models import OutletRecord
from ..outlets.registry import adapter_for
from ..outlets.service import opened
from ..settings import PublishSettings
from ..winners.models import WinningWork
from ..winners.service import works_for
from .models import PublicationAttempt, PublicationJob

log = get_logger("lantoa.publish.jobs")

BATCH = 20
IN_FLIGHT = 8
NOT_PREPARED = "Tác phẩm đang được chuẩn bị / the work is being prepared"
NOT_PUBLISHABLE = (
    "Tác phẩm đã bị gỡ khỏi kết quả hoặc tác giả không đồng ý đăng lại: không đăng / the work "
    "was withdrawn from the results or its authors did not consent: not published"
)
UNKNOWN_KIND = "Không có loại kênh {kind} / no outlet kind {kind}"


# Where a job keeps, between tries, the steps done at the outlet (see Context.progress).
PROGRESS = "progress"


@dataclass(frozen=True)
class Claim:
    job_id: str
    entry_id: str
    outlet_id: str
    action: str  # publish | retract
    attempts: int
    lease_until: datetime
    remote_id: str | None
    remote_url: str | None
    answer: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    claim: Claim
    outcome: str  # ok | temporary | permanent | waiting (not prepared yet) | withdrawn
    detail: str
    published: Published | None = None
    answer: dict[str, Any] | None = None
    work: Work | None = None
    progress: dict[str, Any] | None = None  # what a failed try left done at the outlet


class PublicationRunner:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        self.settings: PublishSettings = runtime.settings  # type: ignore[assignment]
        self.http = httpx.AsyncClient(timeout=self.settings.outlet_timeout_seconds)
        self._in_flight = asyncio.Semaphore(IN_FLIGHT)
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        runtime.db.on_commit(self._wake.set)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="publish-jobs")

    async def stop(self, grace_seconds: float) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await asyncio.wait({self._task}, timeout=grace_seconds)
            if not self._task.done():
                self._task.cancel()
        with contextlib.suppress(Exception):
            await self.http.aclose()

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.jobs_poll_seconds)
            self._wake.clear()
            try:
                while not self._stopping and await self.run_once():
                    pass
            except Exception as error:
                log.warning("publication round failed", error=repr(error))
                await asyncio.sleep(1.0)

    async def run_once(self) -> int:
        """Claim what is due and handle it; returns how many were claimed."""
        claims = await self._claim(utc_now())
        results = await asyncio.gather(*(self._one(c) for c in claims), return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):  # not recorded: the lease brings it back
                log.warning("a publication job was not recorded", error=repr(result))
        return len(claims)

    async def _claim(self, now: datetime) -> list[Claim]:
        free = sa.or_(PublicationJob.lease_until.is_(None), PublicationJob.lease_until < now)
        due = sa.or_(
            sa.and_(
                PublicationJob.status.in_([SCHEDULED, RETRACTING]),
                PublicationJob.next_attempt_at <= now,
                free,
            ),
            sa.and_(PublicationJob.status == RUNNING, PublicationJob.lease_until < now),
        )
        lease = now + timedelta(seconds=self.settings.jobs_lease_seconds)
        claims: list[Claim] = []
        async with self.runtime.db.transaction() as session:
            active = sa.select(OutletRecord.outlet_id).where(OutletRecord.active.is_(True))
            jobs = list(
                await session.scalars(
                    sa.select(PublicationJob)
                    .where(due, PublicationJob.outlet_id.in_(active))
                    .order_by(PublicationJob.next_attempt_at)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            )
            for job in jobs:
                action = "retract" if job.status == RETRACTING else "publish"
                if action == "publish":
                    job.status = RUNNING
                job.attempts += 1
                job.lease_until = lease
                job.updated_at = now
                claims.append(
                    Claim(
                        job.job_id,
                        job.entry_id,
                        job.outlet_id,
                        action,
                        job.attempts,
                        lease,
                        job.remote_id,
                        job.remote_url,
                        dict(job.answer or {}),
                    )
                )
        return claims

    async def _one(self, claim: Claim) -> None:
        async with self._in_flight:
            outcome = await self._try(claim)
        await self._settle(outcome)

    async def _try(self, claim: Claim) -> Outcome:
        work: Work | None = None
        progress: dict[str, Any] = (
            dict(claim.answer.get(PROGRESS) or {}) if claim.action == "publish" else {}
        )
        try:
            async with self.runtime.db.reading() as session:
                record = await session.get(OutletRecord, claim.outlet_id)
                works = await works_for(
                    session, [claim.entry_id], self.settings, to_retract=claim.action != "publish"
                )
            work = works.get(claim.entry_id)
            if record is None:
                raise PermanentFailure("Kênh không còn / the outlet is gone")
            adapter = adapter_for(record.kind)
            if adapter is None:
                raise PermanentFailure(UNKNOWN_KIND.format(kind=record.kind))
            if work is None:
                if claim.action == "publish":
                    return await self._not_ready(claim)
                raise TemporaryFailure(NOT_PREPARED)
            outlet = opened(record, self.settings)
            if adapter.address_is_url:
                await self._refuse_internal(outlet)
            with tempfile.TemporaryDirectory(prefix="lantoa-outlet-") as scratch:
                ctx = Context(
                    settings=self.settings,
                    http=self.http,
                    storage=self.runtime.storage,
                    db=self.runtime.db,
                    workdir=Path(scratch),
                    clock=utc_now,
                    progress=progress,
                )
                if claim.action == "publish":
                    published = await adapter.publish(work, outlet, ctx)
                    return Outcome(claim, "ok", "", published=published, work=work)
                earlier = Published(claim.remote_id or "", claim.remote_url, claim.answer)
                answer = await adapter.retract(work, outlet, earlier, ctx)
                return Outcome(claim, "ok", "", answer=dict(answer), work=work)
        except PermanentFailure as error:
            return Outcome(claim, "permanent", str(error), work=work)
        except CredentialsUnavailable as error:
            return Outcome(claim, "permanent", str(error), work=work)
        except TemporaryFailure as error:
            return Outcome(claim, "temporary", str(error), work=work, progress=progress)
        except httpx.HTTPError as error:
            return Outcome(claim, "temporary", f"HTTP: {error!r}", work=work, progress=progress)
        except Exception as error:  # a bug in an adapter must not stop the others
            log.exception("outlet adapter failed", job_id=claim.job_id)
            return Outcome(claim, "temporary", repr(error)[:500], work=work, progress=progress)

    async def _not_ready(self, claim: Claim) -> Outcome:
        """No work yet: still being prepared (wait, not counted as a try), or no longer
        publishable (the job is canceled)."""
        async with self.runtime.db.reading() as session:
            winner = await session.get(WinningWork, claim.entry_id)
        if winner is not None and winner.consent and winner.retracted_at is None:
            return Outcome(claim, "waiting", NOT_PREPARED)
        return Outcome(claim, "withdrawn", NOT_PUBLISHABLE)

    async def _refuse_internal(self, outlet: Outlet) -> None:
        if self.settings.outlet_allow_private_hosts:
            return
        internal = await internal_address_of(outlet.address) if outlet.address else None
        if internal is not None:
            raise PermanentFailure(ADDRESS_INTERNAL.format(address=internal))

    async def _settle(self, outcome: Outcome) -> None:
        claim = outcome.claim
        now = utc_now()
        async with self.runtime.db.transaction() as session:
            job = await session.scalar(
                sa.select(PublicationJob)
                .where(PublicationJob.job_id == claim.job_id)
                .with_for_update()
            )
            if job is None or job.lease_until != claim.lease_until:
                log.warning("publication lease lost", job_id=claim.job_id)
                return  # another round took it over; its outcome will stand
            if outcome.outcome != "waiting":  # waiting for preparation is not a try
                session.add(
                    PublicationAttempt(
                        job_id=job.job_id,
                        n=claim.attempts,
                        action=claim.action,
                        at=now,
                        outcome=outcome.outcome,
                        detail=outcome.detail or _ok_detail(outcome),
                        actor="",
                    )
                )
            job.lease_until = None
            job.updated_at = now
            event = (
                self._after_publish(job, outcome, now)
                if claim.action == "publish"
                else self._after_retract(job, outcome, now)
            )
            if event is not None:
                record = await session.get(OutletRecord, job.outlet_id)
                winner = await session.get(WinningWork, job.entry_id)
                payload = PublicationPayload(
                    job_id=job.job_id,
                    entry_id=job.entry_id,
                    entry_code=outcome.work.code if outcome.work else winner.code if winner else "",
                    title=outcome.work.title if outcome.work else winner.title if winner else "",
                    outlet_id=job.outlet_id,
                    outlet_name=record.name if record else "",
                    outlet_kind=record.kind if record else "",
                    url=job.remote_url,
                    at=now,
                    reason=job.last_error if event is PublicationFailed else None,
                )
                await self.runtime.outbox.stage(
                    session, event(contest_id=job.contest_id, payload=payload)
                )
        log.info(
            "publication job settled",
            job_id=claim.job_id,
            action=claim.action,
            outcome=outcome.outcome,
            attempts=claim.attempts,
            detail=outcome.detail or None,
        )

    def _after_publish(
        self, job: PublicationJob, outcome: Outcome, now: datetime
    ) -> type[PublicationCompleted] | type[PublicationFailed] | None:
        if outcome.outcome == "waiting":
            job.status = SCHEDULED
            job.attempts -= 1  # not a try
            job.next_attempt_at = now + timedelta(seconds=self.settings.jobs_poll_seconds)
            return None
        if outcome.outcome == "withdrawn":
            job.status = CANCELED
            job.last_error = outcome.detail
            return None
        if outcome.outcome == "ok" and outcome.published is not None:
            job.status = PUBLISHED
            job.remote_id = outcome.published.remote_id[:200]
            job.remote_url = outcome.published.url
            job.answer = dict(outcome.published.answer)
            job.last_error = None
            job.published_at = now
            return PublicationCompleted
        if outcome.outcome == "temporary":
            if outcome.progress:
                job.answer = {**(job.answer or {}), PROGRESS: outcome.progress}
            if after_temporary_failure(job.attempts, self.settings.jobs_max_attempts) == "retry":
                job.status = SCHEDULED
                job.last_error = outcome.detail
                job.next_attempt_at = now + retry_delay(
                    job.attempts, self.settings.retry_base_seconds
                )
                return None
            job.last_error = gave_up(job.attempts, outcome.detail)
        else:
            job.last_error = outcome.detail
        job.status = FAILED
        return PublicationFailed

    def _after_retract(
        self, job: PublicationJob, outcome: Outcome, now: datetime
    ) -> type[PublicationCompleted] | type[PublicationFailed] | None:
        if outcome.outcome == "ok":
            job.status = RETRACTED
            job.retracted_at = now
            job.answer = {**(job.answer or {}), "retracted": outcome.answer or {}}
            job.last_error = None
            return None
        if outcome.outcome == "temporary" and (
            after_temporary_failure(job.attempts, self.settings.jobs_max_attempts) == "retry"
        ):
            job.last_error = outcome.detail
            job.next_attempt_at = now + retry_delay(job.attempts, self.settings.retry_base_seconds)
            return None
        # Could not take it down: it is still up, and the organizers see why.
        job.status = PUBLISHED
        job.last_error = (
            f"Không gỡ được / could not retract: {gave_up(job.attempts, outcome.detail)}"
            if outcome.outcome == "temporary"
            else f"Không gỡ được / could not retract: {outcome.detail}"
        )
        return None


def _ok_detail(outcome: Outcome) -> str:
    if outcome.published is not None:
        return f"{outcome.published.remote_id} {outcome.published.url or ''}".strip()
    return "ok"
