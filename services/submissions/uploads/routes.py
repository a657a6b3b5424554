"""Upload protocol over HTTP. The browser PUTs the parts to the presigned URLs itself."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Response

from shared.contracts.base import utc_now
from shared.web import Runtime

from ..deps import Contestant, submissions_settings
from ..entries.schemas import FileOut
from ..entries.views import file_out
from .schemas import (
    CompleteIn,
    PartOut,
    PartUrlsIn,
    PartUrlsOut,
    UploadIn,
    UploadOut,
    UploadStateOut,
)
from .service import (
    cancel_upload,
    complete_upload,
    part_urls,
    start_upload,
    stored_parts,
    uploading_file,
)

router = APIRouter(prefix="/api/entries/{entry_id}/uploads", tags=["uploads"])


def _ttl(runtime: Runtime) -> timedelta:
    return timedelta(minutes=submissions_settings(runtime).upload_url_minutes)


@router.post("", status_code=201, response_model=UploadOut)
async def start(entry_id: str, body: UploadIn, runtime: Runtime, who: Contestant) -> UploadOut:
    async with runtime.db.transaction() as session:
        file = await start_upload(session, runtime.storage, who, entry_id, body)
    return UploadOut(
        file_id=file.file_id,
        part_size=file.part_size,
        part_count=file.part_count,
        expires_at=utc_now() + _ttl(runtime),
    )


@router.get("/{file_id}", response_model=UploadStateOut)
async def state(entry_id: str, file_id: str, runtime: Runtime, who: Contestant) -> UploadStateOut:
    """What is already stored: a browser resumes by uploading only the missing parts."""
    async with runtime.db.reading() as session:
        file = await uploading_file(session, who, entry_id, file_id)
    parts = await stored_parts(runtime.storage, file)
    return UploadStateOut(
        file_id=file.file_id,
        file_name=file.original_name,
        size_bytes=file.declared_size,
        part_size=file.part_size,
        part_count=file.part_count,
        status=file.status,
        parts=[PartOut(part_number=p.number, size=p.size) for p in parts],
    )


@router.post("/{file_id}/part-urls", response_model=PartUrlsOut)
async def urls(
    entry_id: str, file_id: str, body: PartUrlsIn, runtime: Runtime, who: Contestant
) -> PartUrlsOut:
    async with runtime.db.reading() as session:
        file = await uploading_file(session, who, entry_id, file_id)
    ttl = _ttl(runtime)
    return PartUrlsOut(
        urls=part_urls(runtime.storage, file, body.part_numbers, ttl),
        expires_at=utc_now() + ttl,
    )


@router.post("/{file_id}/complete", status_code=202, response_model=FileOut)
async def complete(
    entry_id: str, file_id: str, body: CompleteIn, runtime: Runtime, who: Contestant
) -> FileOut:
    file = await complete_upload(
        runtime.db, runtime.storage, runtime.outbox, who, entry_id, file_id, body.sha256
    )
    return file_out(file)


@router.delete("/{file_id}", status_code=204)
async def cancel(entry_id: str, file_id: str, runtime: Runtime, who: Contestant) -> Response:
    await cancel_upload(runtime.db, runtime.storage, who, entry_id, file_id)
    return Response(status_code=204)
