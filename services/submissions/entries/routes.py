"""Entry API for contestants: drafts, edits, submission, withdrawal. A contestant only ever
sees their own entries."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now
from shared.web import Runtime

from ..contests.service import phases_of
from ..deps import Contestant
from ..domain.submission import life_stage
from ..models import Entry
from .access import contest_and_category, own_entry
from .checks import entry_problems
from .schemas import EntryFields, EntryIn, EntryOut
from .service import (
    create_entry,
    my_entries,
    submit_entry,
    update_entry,
    withdraw_entry,
)
from .views import entry_out

router = APIRouter(prefix="/api/entries", tags=["entries"])


async def _out(session: AsyncSession, entry: Entry, *, with_problems: bool = True) -> EntryOut:
    contest, category = await contest_and_category(session, entry)
    editable = entry.status in ("draft", "submitted", "revision_requested")
    problems = await entry_problems(session, entry) if with_problems and editable else []
    stage = life_stage(entry.status, phases_of(contest), utc_now())
    return entry_out(entry, category.code, stage, problems)


@router.post("", status_code=201, response_model=EntryOut)
async def create(body: EntryIn, runtime: Runtime, who: Contestant) -> EntryOut:
    async with runtime.db.transaction() as session:
        return await _out(session, await create_entry(session, who, body))


@router.get("", response_model=list[EntryOut])
async def mine(runtime: Runtime, who: Contestant) -> list[EntryOut]:
    async with runtime.db.reading() as session:
        return [await _out(session, e, with_problems=False) for e in await my_entries(session, who)]


@router.get("/{entry_id}", response_model=EntryOut)
async def one(entry_id: str, runtime: Runtime, who: Contestant) -> EntryOut:
    async with runtime.db.reading() as session:
        return await _out(session, await own_entry(session, who, entry_id))


@router.put("/{entry_id}", response_model=EntryOut)
async def edit(entry_id: str, body: EntryFields, runtime: Runtime, who: Contestant) -> EntryOut:
    async with runtime.db.transaction() as session:
        return await _out(session, await update_entry(session, who, entry_id, body))


@router.post("/{entry_id}/submit", response_model=EntryOut)
async def submit(entry_id: str, runtime: Runtime, who: Contestant) -> EntryOut:
    async with runtime.db.transaction() as session:
        entry = await submit_entry(session, runtime.outbox, who, entry_id)
        return await _out(session, entry, with_problems=False)


@router.post("/{entry_id}/withdraw", response_model=EntryOut)
async def withdraw(entry_id: str, runtime: Runtime, who: Contestant) -> EntryOut:
    async with runtime.db.transaction() as session:
        entry = await withdraw_entry(session, runtime.outbox, who, entry_id)
        return await _out(session, entry, with_problems=False)
