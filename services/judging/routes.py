"""What judging knows of contests and accepted entries (its projection), for the staff."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from shared.web import Runtime

from .councils.service import known_contests
from .deps import Staff
from .models import ContestView, EntryView

router = APIRouter(prefix="/api", tags=["judging"])


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
    category_name: str
    status: str
    screened_at: datetime


@router.get("/contests", response_model=list[ContestOut])
async def list_contests(runtime: Runtime, _: Staff) -> list[ContestOut]:
    async with runtime.db.reading() as session:
        rows = await known_contests(session)
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
