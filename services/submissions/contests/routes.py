"""Contest API: organizers set contests up, change and publish them; anyone reads published
contests and their rules."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from shared.errors import ApiError
from shared.web import Runtime

from ..deps import Organizer
from ..models import Contest
from .schemas import ChangeOut, ContestChangeIn, ContestIn, ContestOut, PublishIn
from .service import (
    RULES_PDF_MAX,
    RULES_PDF_TOO_LARGE,
    change_contest,
    contest_history,
    contest_out,
    create_contest,
    publish_contest,
    store_rules_pdf,
)

router = APIRouter(prefix="/api/contests", tags=["contests"])

NOT_FOUND = "Không tìm thấy cuộc thi. / Contest not found."


def _rules_url(contest: Contest) -> str | None:
    return f"/api/contests/{contest.contest_id}/rules.pdf" if contest.rules_pdf_key else None


@router.post("", status_code=201, response_model=ContestOut)
async def create(body: ContestIn, runtime: Runtime, _: Organizer) -> ContestOut:
    async with runtime.db.transaction() as session:
        return contest_out(await create_contest(session, body))


@router.put("/{contest_id}", response_model=ContestOut)
async def change(
    contest_id: str, body: ContestChangeIn, runtime: Runtime, who: Organizer
) -> ContestOut:
    async with runtime.db.transaction() as session:
        contest = await change_contest(
            session, runtime.outbox, contest_id, body.contest, body.reason, who.account_id
        )
        return contest_out(contest, _rules_url(contest))


@router.post("/{contest_id}/publish", response_model=ContestOut)
async def publish(contest_id: str, body: PublishIn, runtime: Runtime, who: Organizer) -> ContestOut:
    async with runtime.db.transaction() as session:
        contest = await publish_contest(
            session, runtime.outbox, contest_id, body.reason, who.account_id
        )
        return contest_out(contest, _rules_url(contest))


@router.put("/{contest_id}/rules.pdf", status_code=204)
async def attach_rules(contest_id: str, request: Request, runtime: Runtime, _: Organizer) -> None:
    """The signed rules as a PDF (raw body). Takes effect with the next published version."""
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > RULES_PDF_MAX:  # stop reading early; the service checks the rest
            raise ApiError(413, RULES_PDF_TOO_LARGE)
    async with runtime.db.transaction() as session:
        await store_rules_pdf(session, runtime.storage, contest_id, bytes(body))


@router.get("/{contest_id}/rules.pdf", include_in_schema=False)
async def rules_pdf(contest_id: str, runtime: Runtime) -> RedirectResponse:
    async with runtime.db.reading() as session:
        contest = await session.get(Contest, contest_id)
    if contest is None or contest.version == 0 or not contest.rules_pdf_key:
        raise ApiError(404, NOT_FOUND)
    url = runtime.storage.presign_get(
        contest.rules_pdf_key,
        timedelta(hours=1),
        {"response-content-type": "application/pdf", "response-content-disposition": "inline"},
    )
    return RedirectResponse(url, status_code=307)


@router.get("/{contest_id}/history", response_model=list[ChangeOut])
async def history(contest_id: str, runtime: Runtime, _: Organizer) -> list[ChangeOut]:
    async with runtime.db.reading() as session:
        return [
            ChangeOut(
                version=c.version,
                reason=c.reason,
                changed_by=c.changed_by,
                changed_at=c.changed_at,
            )
            for c in await contest_history(session, contest_id)
        ]


@router.get("", response_model=list[ContestOut])
async def list_published(runtime: Runtime) -> list[ContestOut]:
    async with runtime.db.reading() as session:
        contests = await session.scalars(
            sa.select(Contest).where(Contest.version > 0).order_by(Contest.code)
        )
        return [contest_out(c, _rules_url(c)) for c in contests]


@router.get("/{contest_id}", response_model=ContestOut)
async def get_published(contest_id: str, runtime: Runtime) -> ContestOut:
    async with runtime.db.reading() as session:
        contest = await session.get(Contest, contest_id)
        if contest is None or contest.version == 0:
            raise ApiError(404, NOT_FOUND)
        return contest_out(contest, _rules_url(contest))
