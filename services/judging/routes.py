"""HTTP routes of the judging service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from shared.auth import Principal, Role
from shared.web import Runtime, require_roles

from .models import ContestView, EntryView

router = APIRouter(prefix="/api", tags=["judging"])

Staff = Annotated[Principal, Depends(require_roles(Role.SECRETARIAT, Role.ORGANIZER))]


class ContestOut(BaseModel):
    contest_id: str
    code: str
    title: str
    version: int


class EntryOut(BaseModel):
    entry_id: str
    code: str
    category_code: str
    title: str
    language: str
    version: int
    submitted_at: datetime


@router.get("/contests", response_model=list[ContestOut])
async def list_contests(runtime: Runtime, _: Staff) -> list[ContestOut]:
    async with runtime.db.reading() as session:
        rows = (await session.scalars(sa.select(ContestView).order_by(ContestView.code))).all()
    return [ContestOut.model_validate(r, from_attributes=True) for r in rows]


@router.get("/contests/{contest_id}/entries", response_model=list[EntryOut])
async def list_entries(contest_id: str, runtime: Runtime, _: Staff) -> list[EntryOut]:
    async with runtime.db.reading() as session:
        if await session.get(ContestView, contest_id) is None:
            raise HTTPException(404, "Không tìm thấy cuộc thi. / Contest not found.")
        rows = (
            await session.scalars(
                sa.select(EntryView)
                .where(EntryView.contest_id == contest_id)
                .order_by(EntryView.code)
            )
        ).all()
    return [EntryOut.model_validate(r, from_attributes=True) for r in rows]
