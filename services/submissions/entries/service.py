"""Entry use cases. Bytes never pass through here: the browser PUTs them to storage with a
presigned URL into a quarantine prefix; verification then reads the stored object, and only a
file that passes leaves quarantine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import utc_now
from shared.contracts.submissions import (
    CategoryRules,
    EntrySubmitted,
    EntrySubmittedPayload,
    MediaKind,
    MediaVerified,
    MediaVerifiedPayload,
    SubmittedFile,
    Submitter,
)
from shared.db import Database
from shared.errors import ApiError
from shared.messaging.outbox import Outbox
from shared.storage import ObjectNotFound, ObjectStorage

from ..contests.service import phases_of
from ..domain.codes import entry_code
from ..domain.media import HEAD_BYTES, DetectedMedia, detect_media
from ..domain.submission import FileState, submission_problems, submission_window
from ..models import Account, Category, Contest, Entry, EntryFile, EntrySequence
from .schemas import EntryIn, EntryOut, FileIn, FileOut

EDITABLE = ("draft", "submitted")


async def _category(session: AsyncSession, contest_id: str, code: str) -> tuple[Contest, Category]:
    contest = await session.get(Contest, contest_id)
    if contest is None or contest.version == 0:
        raise ApiError(404, "Không tìm thấy cuộc thi. / Contest not found.")
    category = next((c for c in contest.categories if c.code == code), None)
    if category is None:
        raise ApiError(422, f"Cuộc thi không có thể loại {code}. / No such category.")
    return contest, category


async def own_entry(session: AsyncSession, principal: Principal, entry_id: str) -> Entry:
    entry = await session.get(Entry, entry_id)
    # Someone else's entry answers exactly like a missing one.
    if entry is None or entry.owner_id != principal.account_id:
        raise ApiError(404, "Không tìm thấy bài dự thi. / Entry not found.")
    return entry


async def create_entry(session: AsyncSession, principal: Principal, data: EntryIn) -> Entry:
    contest, category = await _category(session, data.contest_id, data.category_code)
    window = submission_window(phases_of(contest))
    if window is not None and utc_now() > window.ends_at:
        raise ApiError(422, "Đã hết hạn nhận bài. / The submission deadline has passed.")
    now = utc_now()
    entry = Entry(
        contest_id=contest.contest_id,
        category_id=category.category_id,
        owner_id=principal.account_id,
        title=data.title,
        language=data.language,
        created_at=now,
        updated_at=now,
        files=[],
    )
    session.add(entry)
    await session.flush()
    return entry


async def start_upload(
    session: AsyncSession,
    storage: ObjectStorage,
    principal: Principal,
    entry_id: str,
    data: FileIn,
    url_ttl: timedelta,
) -> tuple[EntryFile, str]:
    entry = await own_entry(session, principal, entry_id)
    if entry.status not in EDITABLE:
        raise ApiError(409, "Bài dự thi này không thể sửa nữa. / This entry can no longer change.")
    category = await session.get(Category, entry.category_id)
    assert category is not None
    rules = CategoryRules.model_validate(category.rules)
    if data.size_bytes > rules.max_file_bytes:
        raise ApiError(
            413,
            f"Tệp quá lớn: tối đa {human_size(rules.max_file_bytes)} cho thể loại này. "
            "/ The file is larger than this category allows.",
        )
    active = [f for f in entry.files if f.status != "rejected"]
    if len(active) >= rules.max_files:
        raise ApiError(422, f"Thể loại này nhận tối đa {rules.max_files} tệp. / Too many files.")
    file = EntryFile(
        entry_id=entry.entry_id,
        original_name=data.file_name,
        declared_size=data.size_bytes,
        declared_sha256=data.sha256,
        quarantine_key="",
        created_at=utc_now(),
    )
    session.add(file)
    await session.flush()
    # Keys carry no name of the author or the file: jurors may one day stream them.
    file.quarantine_key = f"quarantine/{entry.entry_id}/{file.file_id}"
    return file, storage.presign_put(file.quarantine_key, url_ttl)


@dataclass(frozen=True)
class _Inspection:
    detected: DetectedMedia | None
    problem: str | None


async def verify_upload(
    db: Database,
    storage: ObjectStorage,
    outbox: Outbox,
    principal: Principal,
    entry_id: str,
    file_id: str,
) -> EntryFile:
    """Check the stored object against what was declared and what the category accepts.

    Reading and hashing a large object takes a while, so it happens outside any transaction;
    the outcome is then recorded in a short one (and only once, if two checks race)."""
    async with db.reading() as session:
        file, rules = await _pending_file(session, principal, entry_id, file_id)
    if file.status != "awaiting_upload":
        return file
    inspection = await _inspect(storage, file, rules)
    async with db.transaction() as session:
        file, _ = await _pending_file(session, principal, entry_id, file_id)
        if file.status != "awaiting_upload":
            return file
        if inspection.problem is not None or inspection.detected is None:
            file.status = "rejected"
            file.rejection = inspection.problem
            await storage.delete(file.quarantine_key)
            return file
        file.kind = inspection.detected.kind.value
        file.media_type = inspection.detected.media_type
        file.object_key = f"media/{entry_id}/{file.file_id}"
        await storage.copy(file.quarantine_key, file.object_key)
        await storage.delete(file.quarantine_key)
        file.status = "verified"
        file.verified_at = utc_now()
        entry = await session.get(Entry, entry_id)
        assert entry is not None
        await outbox.stage(
            session,
            MediaVerified(
                contest_id=entry.contest_id,
                payload=MediaVerifiedPayload(entry_id=entry_id, file=_submitted(file)),
            ),
        )
        return file


async def _pending_file(
    session: AsyncSession, principal: Principal, entry_id: str, file_id: str
) -> tuple[EntryFile, CategoryRules]:
    entry = await own_entry(session, principal, entry_id)
    file = next((f for f in entry.files if f.file_id == file_id), None)
    if file is None:
        raise ApiError(404, "Không tìm thấy tệp. / File not found.")
    category = await session.get(Category, entry.category_id)
    assert category is not None
    return file, CategoryRules.model_validate(category.rules)


async def _inspect(storage: ObjectStorage, file: EntryFile, rules: CategoryRules) -> _Inspection:
    try:
        info = await storage.stat(file.quarantine_key)
    except ObjectNotFound as error:
        raise ApiError(
            409, "Chưa nhận được tệp: hãy tải lên rồi thử lại. / The upload has not arrived."
        ) from error
    if info.size != file.declared_size:
        return _Inspection(
            None,
            f"Kích thước tệp nhận được ({info.size} byte) khác với khai báo "
            f"({file.declared_size} byte).",
        )
    if info.size > rules.max_file_bytes:
        return _Inspection(
            None, f"Tệp quá lớn: tối đa {human_size(rules.max_file_bytes)} cho thể loại này."
        )
    detected = detect_media(await storage.read_range(file.quarantine_key, 0, HEAD_BYTES))
    if detected is None:
        return _Inspection(None, "Không nhận ra loại tệp, hoặc đây không phải loại tệp được nhận.")
    if detected.kind not in rules.allowed_kinds:
        return _Inspection(None, f"Thể loại này không nhận tệp {KIND_NAMES[detected.kind]}.")
    digest, _ = await storage.sha256(file.quarantine_key)
    if digest != file.declared_sha256:
        return _Inspection(None, "Mã SHA-256 không khớp: tệp đã bị hỏng trong khi tải lên.")
    return _Inspection(detected, None)


async def submit_entry(
    session: AsyncSession, outbox: Outbox, principal: Principal, entry_id: str
) -> Entry:
    entry = await own_entry(session, principal, entry_id)
    if entry.status not in EDITABLE:
        raise ApiError(409, "Bài dự thi này không thể nộp lại. / This entry cannot be submitted.")
    contest = await session.get(Contest, entry.contest_id)
    category = await session.get(Category, entry.category_id)
    assert contest is not None
    assert category is not None
    problems = submission_problems(
        phases=phases_of(contest),
        rules=CategoryRules.model_validate(category.rules),
        files=[
            FileState(f.status, MediaKind(f.kind) if f.kind else None)
            for f in entry.files
            if f.status != "rejected"
        ],
        now=utc_now(),
    )
    if problems:
        raise ApiError(422, "Chưa thể nộp bài. / The entry cannot be submitted yet.", problems)
    owner = await session.get(Account, entry.owner_id)
    assert owner is not None
    if entry.code is None:
        entry.code = entry_code(contest.code, category.code, await _next_number(session, category))
    entry.status = "submitted"
    entry.version += 1
    entry.submitted_at = entry.updated_at = utc_now()
    await outbox.stage(
        session,
        EntrySubmitted(
            contest_id=entry.contest_id,
            payload=EntrySubmittedPayload(
                entry_id=entry.entry_id,
                code=entry.code,
                category_id=category.category_id,
                category_code=category.code,
                category_name=category.name,
                title=entry.title,
                language=entry.language,
                version=entry.version,
                submitted_at=entry.submitted_at,
                files=tuple(_submitted(f) for f in entry.files if f.status == "verified"),
                submitter=Submitter(
                    account_id=owner.account_id,
                    email=owner.email,
                    display_name=owner.display_name,
                    language=owner.language,
                ),
            ),
        ),
    )
    return entry


async def _next_number(session: AsyncSession, category: Category) -> int:
    sequence = await session.get(EntrySequence, category.category_id, with_for_update=True)
    if sequence is None:
        sequence = EntrySequence(category_id=category.category_id, last_number=0)
        session.add(sequence)
    sequence.last_number += 1
    await session.flush()
    return sequence.last_number


async def my_entries(session: AsyncSession, principal: Principal) -> list[Entry]:
    rows = await session.scalars(
        sa.select(Entry).where(Entry.owner_id == principal.account_id).order_by(Entry.created_at)
    )
    return list(rows)


def _submitted(file: EntryFile) -> SubmittedFile:
    assert file.kind
    assert file.media_type
    assert file.object_key
    return SubmittedFile(
        file_id=file.file_id,
        kind=MediaKind(file.kind),
        media_type=file.media_type,
        size_bytes=file.declared_size,
        sha256=file.declared_sha256,
        object_key=file.object_key,
    )


def entry_out(entry: Entry, category_code: str) -> EntryOut:
    return EntryOut(
        entry_id=entry.entry_id,
        contest_id=entry.contest_id,
        category_code=category_code,
        code=entry.code,
        title=entry.title,
        language=entry.language,
        status=entry.status,
        version=entry.version,
        submitted_at=entry.submitted_at,
        files=[file_out(f) for f in entry.files],
    )


def file_out(file: EntryFile) -> FileOut:
    return FileOut(
        file_id=file.file_id,
        original_name=file.original_name,
        size_bytes=file.declared_size,
        status=file.status,
        kind=file.kind,
        media_type=file.media_type,
        rejection=file.rejection,
    )


def human_size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f}".replace(".", ",").replace(",0", "") + f" {unit}"
    return f"{n} byte"


KIND_NAMES = {
    MediaKind.TEXT: "văn bản",
    MediaKind.AUDIO: "âm thanh",
    MediaKind.VIDEO: "video",
    MediaKind.IMAGE: "ảnh",
}
