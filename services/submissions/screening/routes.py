"""Screening API for the secretariat (and organizers)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from shared.web import Runtime

from ..deps import Secretariat
from .schemas import (
    AnonymityIn,
    DecisionIn,
    QueueItem,
    QueueStatus,
    RecordOut,
    ScreeningEntryOut,
)
from .service import (
    decide,
    duplicates,
    entry_for_screening,
    file_urls,
    history,
    queue,
    set_anonymity,
)

router = APIRouter(prefix="/api/screening", tags=["screening"])


@router.get("/entries", response_model=list[QueueItem])
async def entries(
    runtime: Runtime,
    _: Secretariat,
    contest_id: str | None = None,
    status: QueueStatus | None = None,
    category: str | None = Query(default=None, pattern=r"^[A-Z]{2,4}$"),
    district: str | None = Query(default=None, max_length=100),
    q: str | None = Query(default=None, max_length=200),
) -> list[QueueItem]:
    async with runtime.db.reading() as session:
        return await queue(
            session,
            contest_id=contest_id,
            status=status,
            category_code=category,
            district=district,
            search=q,
        )


@router.get("/entries/{entry_id}", response_model=ScreeningEntryOut)
async def entry(entry_id: str, runtime: Runtime, _: Secretariat) -> ScreeningEntryOut:
    async with runtime.db.reading() as session:
        found, snapshot = await entry_for_screening(session, entry_id)
        return ScreeningEntryOut(
            entry_id=found.entry_id,
            status=found.status,
            version=found.version,
            cannot_anonymise=found.cannot_anonymise,
            submitted=snapshot,
            file_urls=file_urls(runtime.storage, snapshot),
            duplicates=await duplicates(session, found),
            history=[
                RecordOut(
                    action=r.action,
                    reason=r.reason,
                    decided_by_name=r.decided_by_name,
                    decided_at=r.decided_at,
                    entry_version=r.entry_version,
                )
                for r in await history(session, entry_id)
            ],
        )


@router.post("/entries/{entry_id}/decision", response_model=QueueItem)
async def decision(
    entry_id: str, body: DecisionIn, runtime: Runtime, who: Secretariat
) -> QueueItem:
    async with runtime.db.transaction() as session:
        found = await decide(session, runtime.outbox, who, entry_id, body.decision, body.reason)
        return (await queue(session, entry_id=found.entry_id, status=found.status))[0]


@router.post("/entries/{entry_id}/anonymity", response_model=QueueItem)
async def anonymity(
    entry_id: str, body: AnonymityIn, runtime: Runtime, who: Secretariat
) -> QueueItem:
    async with runtime.db.transaction() as session:
        found = await set_anonymity(session, who, entry_id, body.cannot_anonymise, body.reason)
        return (await queue(session, entry_id=found.entry_id, status=found.status))[0]
