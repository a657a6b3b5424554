"""The upload protocol: start, presign parts, list stored parts (to resume), complete, cancel.

Bytes go from the browser straight to storage, into a quarantine prefix. Completing checks the
stored parts against the plan made at the start, then hands the object to the verifier (an
UploadCompleted event), which decides whether it leaves quarantine.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import utc_now
from shared.contracts.submissions import UploadCompleted, UploadCompletedPayload
from shared.db import Database
from shared.errors import ApiError
from shared.messaging.outbox import Outbox
from shared.storage import ObjectStorage

from ..domain.formatting import format_size
from ..domain.uploads import PartPlan, StoredPart, clean_file_name, parts_problem, plan_parts
from ..entries.access import contest_and_category, ensure_editable, own_entry, rules_of
from ..models import EntryFile
from .schemas import UploadIn

ACTIVE = ("uploading", "verifying", "verified")
OCTET_STREAM = "application/octet-stream"


async def start_upload(
    session: AsyncSession, storage: ObjectStorage, who: Principal, entry_id: str, data: UploadIn
) -> EntryFile:
    entry = await own_entry(session, who, entry_id)
    contest, category = await contest_and_category(session, entry)
    ensure_editable(entry, contest)
    rules = rules_of(category)
    if data.size_bytes > rules.max_file_bytes:
        raise ApiError(
            413,
            f"Tệp quá lớn ({format_size(data.size_bytes)}): thể loại {category.name} nhận tệp "
            f"tối đa {format_size(rules.max_file_bytes)}. / The file is larger than allowed.",
        )
    if data.series_part is not None and data.series_part > max(entry.series_parts, 1):
        raise ApiError(
            422,
            f"Bài có {entry.series_parts} phần, không có phần {data.series_part}. "
            "/ No such series part.",
        )
    same_role = [f for f in entry.files if f.status in ACTIVE and f.role == data.role]
    limit = rules.max_files if data.role == "work" else 2
    if len(same_role) >= limit:
        raise ApiError(422, f"Thể loại này nhận tối đa {limit} tệp. / At most {limit} files.")
    plan = plan_parts(data.size_bytes)
    file = EntryFile(
        entry_id=entry.entry_id,
        original_name=clean_file_name(data.file_name),
        role=data.role,
        series_part=data.series_part,
        declared_size=data.size_bytes,
        part_size=plan.part_size,
        part_count=plan.part_count,
        quarantine_key="",
        created_at=utc_now(),
    )
    session.add(file)
    await session.flush()
    # Keys carry no name of the author or the file: jurors may one day stream them.
    file.quarantine_key = f"quarantine/{entry.entry_id}/{file.file_id}"
    file.upload_id = await storage.create_multipart(file.quarantine_key, OCTET_STREAM)
    entry.updated_at = utc_now()
    return file


async def uploading_file(
    session: AsyncSession, who: Principal, entry_id: str, file_id: str
) -> EntryFile:
    entry = await own_entry(session, who, entry_id)
    file = next((f for f in entry.files if f.file_id == file_id), None)
    if file is None:
        raise ApiError(404, "Không tìm thấy tệp. / File not found.")
    return file


def _require_uploading(file: EntryFile) -> str:
    if file.status != "uploading" or file.upload_id is None:
        raise ApiError(
            409, "Tệp này không còn đang tải lên. / This file is no longer being uploaded."
        )
    return file.upload_id


async def stored_parts(storage: ObjectStorage, file: EntryFile) -> list[StoredPart]:
    if file.status != "uploading" or file.upload_id is None:
        return []
    return [
        StoredPart(p.number, p.size)
        for p in await storage.list_parts(file.quarantine_key, file.upload_id)
    ]


def part_urls(
    storage: ObjectStorage, file: EntryFile, numbers: list[int], ttl: timedelta
) -> dict[str, str]:
    upload_id = _require_uploading(file)
    outside = [n for n in numbers if not 1 <= n <= file.part_count]
    if outside:
        raise ApiError(
            422,
            f"Tệp chỉ có {file.part_count} phần (không có phần {outside[0]}). / No such part.",
        )
    return {str(n): storage.presign_part(file.quarantine_key, upload_id, n, ttl) for n in numbers}


async def complete_upload(
    db: Database,
    storage: ObjectStorage,
    outbox: Outbox,
    who: Principal,
    entry_id: str,
    file_id: str,
    sha256: str,
) -> EntryFile:
    """Assemble the parts, check the object again, then queue it for verification."""
    async with db.reading() as session:
        file = await uploading_file(session, who, entry_id, file_id)
    if file.status != "uploading":
        return file  # completed already (a retried request)
    upload_id = _require_uploading(file)
    plan = PartPlan(file.part_size, file.part_count)
    stored = await storage.list_parts(file.quarantine_key, upload_id)
    problem = parts_problem(
        plan, file.declared_size, [StoredPart(p.number, p.size) for p in stored]
    )
    if problem is not None:
        raise ApiError(409, problem + " / The upload is incomplete.")
    await storage.complete_multipart(file.quarantine_key, upload_id, stored)
    info = await storage.stat(file.quarantine_key)
    async with db.transaction() as session:
        file = await uploading_file(session, who, entry_id, file_id)
        if file.status != "uploading":
            return file
        file.completed_at = utc_now()
        file.declared_sha256 = sha256
        if info.size != file.declared_size:
            await storage.delete(file.quarantine_key)
            file.status = "rejected"
            file.rejection = (
                f"Kích thước tệp nhận được ({info.size} byte) khác với khai báo "
                f"({file.declared_size} byte)."
            )
            return file
        file.status = "verifying"
        entry = await own_entry(session, who, entry_id)
        await outbox.stage(
            session,
            UploadCompleted(
                contest_id=entry.contest_id,
                payload=UploadCompletedPayload(
                    entry_id=entry_id,
                    file_id=file_id,
                    object_key=file.quarantine_key,
                    declared_sha256=sha256,
                    size_bytes=file.declared_size,
                ),
            ),
        )
        return file


async def cancel_upload(
    db: Database, storage: ObjectStorage, who: Principal, entry_id: str, file_id: str
) -> None:
    """Stop an upload, or remove a file from an entry that may still change."""
    async with db.transaction() as session:
        entry = await own_entry(session, who, entry_id)
        contest, _ = await contest_and_category(session, entry)
        file = await uploading_file(session, who, entry_id, file_id)
        if file.status in ("cancelled", "removed"):
            return
        if file.status != "uploading":
            ensure_editable(entry, contest)
        if file.status == "verifying":
            raise ApiError(
                409, "Tệp đang được kiểm tra, hãy thử lại sau ít phút. / The file is being checked."
            )
        if file.status == "uploading":
            if file.upload_id:
                await storage.abort_multipart(file.quarantine_key, file.upload_id)
            file.status = "cancelled"
        elif entry.version == 0 or file.status == "rejected":
            if file.object_key:
                await storage.delete(file.object_key)
            if file.text_key:  # its reading copy goes with it
                await storage.delete(file.text_key)
            file.status = "cancelled"
        else:
            # Part of a submitted version: the object stays, so that version remains whole.
            file.status = "removed"
        entry.updated_at = utc_now()
