"""Contest API: organizers create and publish; anyone reads published contests."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException

from shared.auth import Principal, Role
from shared.web import Runtime, require_roles

from ..models import Contest
from .schemas import ContestIn, ContestOut, PublishIn
from .service import contest_out, create_contest, publish_contest

router = APIRouter(prefix="/api/contests", tags=["contests"])

Organizer = Annotated[Principal, Depends(require_roles(Role.ORGANIZER))]


@router.post("", status_code=201, response_model=ContestOut)
async def create(body: ContestIn, runtime: Runtime, _: Organizer) -> ContestOut:
    async with runtime.db.transaction() as session:
        return contest_out(await create_contest(session, body))


@router.post("/{contest_id}/publish", response_model=ContestOut)
async def publish(contest_id: str, body: PublishIn, runtime: Runtime, _: Organizer) -> ContestOut:
    async with runtime.db.transaction() as session:
        return contest_out(await publish_contest(session, runtime.outbox, contest_id, body.reason))


@router.get("", response_model=list[ContestOut])
async def list_published(runtime: Runtime) -> list[ContestOut]:
    async with runtime.db.reading() as session:
        contests = await session.scalars(
            sa.select(Contest).where(Contest.version > 0).order_by(Contest.code)
        )
        return [contest_out(c) for c in contests]


@router.get("/{contest_id}", response_model=ContestOut)
async def get_published(contest_id: str, runtime: Runtime) -> ContestOut:
    async with runtime.db.reading() as session:
        contest = await session.get(Contest, contest_id)
        if contest is None or contest.version == 0:
            raise HTTPException(404, "Không tìm thấy cuộc thi. / Contest not found.")
        return contest_out(contest)
