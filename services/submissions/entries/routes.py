"""Entry API for contestants: drafts, uploads, verification, submission. A contestant only ever
sees their own entries."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from shared.auth import Principal, Role
from shared.contracts.base import utc_now
from shared.web import Runtime, require_roles

from ..models import Category
from .schemas import EntryIn, EntryOut, FileIn, FileOut, UploadOut
from .service import (
    create_entry,
    entry_out,
    file_out,
    my_entries,
    own_entry,
    start_upload,
    submit_entry,
    verify_upload,
)

router = APIRouter(prefix="/api/entries", tags=["entries"])

Contestant = Annotated[Principal, Depends(require_roles(Role.CONTESTANT))]


async def _out(session, entry) -> EntryOut:  # type: ignore[no-untyped-def]
    category = await session.get(Category, entry.category_id)
    return entry_out(entry, category.code)


@router.post("", status_code=201, response_model=EntryOut)
async def create(body: EntryIn, runtime: Runtime, who: Contestant) -> EntryOut:
    async with runtime.db.transaction() as session:
        return await _out(session, await create_entry(session, who, body))


@router.get("", response_model=list[EntryOut])
async def mine(runtime: Runtime, who: Contestant) -> list[EntryOut]:
    async with runtime.db.reading() as session:
        return [await _out(session, e) for e in await my_entries(session, who)]


@router.get("/{entry_id}", response_model=EntryOut)
async def one(entry_id: str, runtime: Runtime, who: Contestant) -> EntryOut:
    async with runtime.db.reading() as session:
        return await _out(session, await own_entry(session, who, entry_id))


@router.post("/{entry_id}/files", status_code=201, response_model=UploadOut)
async def add_file(entry_id: str, body: FileIn, runtime: Runtime, who: Contestant) -> UploadOut:
    ttl = timedelta(minutes=runtime.settings.upload_url_minutes)  # type: ignore[attr-defined]
    async with runtime.db.transaction() as session:
        file, url = await start_upload(session, runtime.storage, who, entry_id, body, ttl)
    return UploadOut(file_id=file.file_id, upload_url=url, expires_at=utc_now() + ttl)


@router.post("/{entry_id}/files/{file_id}/complete", response_model=FileOut)
async def complete_file(
    entry_id: str, file_id: str, runtime: Runtime, who: Contestant
) -> FileOut | JSONResponse:
    file = await verify_upload(runtime.db, runtime.storage, runtime.outbox, who, entry_id, file_id)
    out = file_out(file)
    if file.status == "rejected":
        return JSONResponse(
            status_code=422,
            content={"detail": {"message": file.rejection, "file": out.model_dump(mode="json")}},
        )
    return out


@router.post("/{entry_id}/submit", response_model=EntryOut)
async def submit(entry_id: str, runtime: Runtime, who: Contestant) -> EntryOut:
    async with runtime.db.transaction() as session:
        return await _out(session, await submit_entry(session, runtime.outbox, who, entry_id))
