"""Screening use cases. Decisions apply to the submitted version the secretariat looked at;
each is appended to the entry's screening record with who and when, and announced as
EntryScreened (with the anonymised entry when accepted)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import utc_now
from shared.contracts.submissions import (
    AnonymisedEntry,
    Authorship,
    EntryCredits,
    EntryScreened,
    EntryScreenedPayload,
    Exemplar,
    MediaKind,
    Publication,
    ScreeningDecision,
    SubmittedFile,
)
from shared.errors import ApiError
from shared.messaging.outbox import Outbox
from shared.storage import ObjectStorage

from ..entries.service import submitter
from ..models import Account, Category, Entry, EntryFile, EntryVersion, ScreeningRecord
from .schemas import DuplicateOut, QueueItem

SCREENED_STATUSES = ("submitted", "revision_requested", "accepted", "rejected", "withdrawn")
DECIDABLE = ("submitted",)
NEW_STATUS = {
    ScreeningDecision.ACCEPTED: "accepted",
    ScreeningDecision.REVISION_REQUESTED: "revision_requested",
    ScreeningDecision.REJECTED: "rejected",
}


async def queue(
    session: AsyncSession,
    *,
    contest_id: str | None = None,
    status: str | None = None,
    category_code: str | None = None,
    district: str | None = None,
    search: str | None = None,
    entry_id: str | None = None,
    limit: int = 200,
) -> list[QueueItem]:
    query = (
        sa.select(Entry, Category.code)
        .join(Category, Category.category_id == Entry.category_id)
        .where(Entry.status.in_((status,) if status else SCREENED_STATUSES))
        .order_by(Entry.submitted_at)
        .limit(limit)
    )
    if contest_id:
        query = query.where(Entry.contest_id == contest_id)
    if entry_id:
        query = query.where(Entry.entry_id == entry_id)
    if category_code:
        query = query.where(Category.code == category_code)
    if district:
        query = query.where(Entry.district == district)
    if search:
        like = f"%{search.strip()}%"
        query = query.where(sa.or_(Entry.code.ilike(like), Entry.title.ilike(like)))
    rows = (await session.execute(query)).all()
    duplicated = await _entries_with_duplicates(session, [e.entry_id for e, _ in rows])
    return [
        QueueItem(
            entry_id=e.entry_id,
            code=e.code,
            title=e.title,
            category_code=code,
            district=e.district,
            status=e.status,
            version=e.version,
            submitted_at=e.submitted_at,
            duplicate=e.entry_id in duplicated,
            cannot_anonymise=e.cannot_anonymise,
        )
        for e, code in rows
    ]


async def _entries_with_duplicates(session: AsyncSession, entry_ids: Sequence[str]) -> set[str]:
    if not entry_ids:
        return set()
    other = sa.orm.aliased(EntryFile)
    rows = await session.scalars(
        sa.select(EntryFile.entry_id)
        .join(
            other, sa.and_(other.sha256 == EntryFile.sha256, other.entry_id != EntryFile.entry_id)
        )
        .where(
            EntryFile.entry_id.in_(entry_ids),
            EntryFile.status == "verified",
            other.status == "verified",
        )
        .distinct()
    )
    return set(rows)


async def duplicates(session: AsyncSession, entry: Entry) -> list[DuplicateOut]:
    """Files of this entry that another entry also holds (same SHA-256 of the upload)."""
    found: list[DuplicateOut] = []
    for file in entry.files:
        if file.status != "verified" or not file.sha256:
            continue
        rows = await session.execute(
            sa.select(Entry.entry_id, Entry.code, Entry.status)
            .join(EntryFile, EntryFile.entry_id == Entry.entry_id)
            .where(
                EntryFile.sha256 == file.sha256,
                EntryFile.status == "verified",
                Entry.entry_id != entry.entry_id,
            )
        )
        found.extend(
            DuplicateOut(file_id=file.file_id, other_entry_id=i, other_code=c, other_status=s)
            for i, c, s in rows
        )
    return found


async def entry_for_screening(session: AsyncSession, entry_id: str) -> tuple[Entry, dict[str, Any]]:
    entry = await session.get(Entry, entry_id)
    if entry is None or entry.status == "draft" or entry.version == 0:
        raise ApiError(404, "Không tìm thấy bài dự thi. / Entry not found.")
    version = await session.get(EntryVersion, (entry.entry_id, entry.version))
    assert version is not None
    return entry, version.snapshot


def file_urls(storage: ObjectStorage, snapshot: dict[str, Any]) -> dict[str, str]:
    """Short-lived links the browser plays or reads in place; S3 serves byte ranges itself."""
    urls = {}
    for f in snapshot["files"]:
        urls[f["file_id"]] = storage.presign_get(
            f["object_key"],
            timedelta(hours=2),
            {"response-content-type": f["media_type"], "response-content-disposition": "inline"},
        )
    return urls


async def history(session: AsyncSession, entry_id: str) -> list[ScreeningRecord]:
    return list(
        await session.scalars(
            sa.select(ScreeningRecord)
            .where(ScreeningRecord.entry_id == entry_id)
            .order_by(ScreeningRecord.decided_at)
        )
    )


async def decide(
    session: AsyncSession,
    outbox: Outbox,
    who: Principal,
    entry_id: str,
    decision: ScreeningDecision,
    reason: str | None,
) -> Entry:
    entry, snapshot = await entry_for_screening(session, entry_id)
    if entry.status not in DECIDABLE:
        raise ApiError(
            409,
            "Bài này không ở trạng thái chờ xét (có thể đã được xét, đang chờ sửa hoặc đã rút). "
            "/ This entry is not waiting for screening.",
        )
    now = utc_now()
    reason = (reason or "").strip() or None
    entry.status = NEW_STATUS[decision]
    entry.updated_at = now
    _record(session, entry, who, decision.value, reason)
    category = await session.get(Category, entry.category_id)
    owner = await session.get(Account, entry.owner_id)
    assert category is not None
    assert owner is not None
    assert entry.code is not None
    accepted = decision is ScreeningDecision.ACCEPTED
    await outbox.stage(
        session,
        EntryScreened(
            contest_id=entry.contest_id,
            payload=EntryScreenedPayload(
                entry_id=entry.entry_id,
                code=entry.code,
                category_id=entry.category_id,
                version=entry.version,
                decision=decision,
                reason=reason,
                decided_at=now,
                entry=anonymised(entry, category, snapshot) if accepted else None,
                credits=credits(snapshot) if accepted else None,
                submitter=submitter(owner, entry),
            ),
        ),
    )
    return entry


async def set_anonymity(
    session: AsyncSession, who: Principal, entry_id: str, cannot_anonymise: bool, reason: str
) -> Entry:
    entry, _ = await entry_for_screening(session, entry_id)
    if entry.status == "accepted":
        raise ApiError(
            409,
            "Bài đã được chấp nhận và chuyển sang chấm: hãy đánh dấu trước khi chấp nhận. "
            "/ Mark it before accepting.",
        )
    entry.cannot_anonymise = cannot_anonymise
    action = "cannot_anonymise" if cannot_anonymise else "can_anonymise"
    _record(session, entry, who, action, reason.strip())
    return entry


def _record(
    session: AsyncSession, entry: Entry, who: Principal, action: str, reason: str | None
) -> None:
    session.add(
        ScreeningRecord(
            entry_id=entry.entry_id,
            entry_version=entry.version,
            action=action,
            reason=reason,
            decided_by=who.account_id,
            decided_by_name=who.display_name,
            decided_at=utc_now(),
        )
    )


def credits(snapshot: dict[str, Any]) -> EntryCredits:
    """The submitted version's authors and publication, for judging to keep sealed."""
    publication = snapshot.get("publication")
    return EntryCredits(
        authors=tuple(
            Authorship(
                full_name=a["full_name"],
                pen_name=a["pen_name"],
                organisation=a["organisation"],
                email=a["email"],
            )
            for a in snapshot["authors"]
        ),
        district=snapshot.get("district") or "",
        publication=Publication.model_validate(publication) if publication else None,
        consent_republication=bool(snapshot.get("consent_republication")),
    )


def anonymised(entry: Entry, category: Category, snapshot: dict[str, Any]) -> AnonymisedEntry:
    """The submitted version without authors, contacts, publication or file names."""
    return AnonymisedEntry(
        code=snapshot["code"],
        category_id=category.category_id,
        category_code=category.code,
        category_name=category.name,
        title=snapshot["title"],
        language=snapshot["language"],
        synopsis=snapshot["synopsis"],
        series_parts=snapshot["series_parts"],
        exemplars=tuple(Exemplar.model_validate(e) for e in snapshot["exemplars"]),
        files=tuple(
            SubmittedFile(
                file_id=f["file_id"],
                kind=MediaKind(f["kind"]),
                media_type=f["media_type"],
                size_bytes=f["stored_size"],
                sha256=f["stored_sha256"],
                object_key=f["object_key"],
                text_key=f.get("text_key"),  # absent from versions submitted before it existed
            )
            for f in snapshot["files"]
        ),
        cannot_anonymise=entry.cannot_anonymise,
    )
