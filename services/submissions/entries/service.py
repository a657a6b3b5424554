"""Entry use cases: drafts, edits, submission with every rule checked, withdrawal, versions.

A submission freezes the entry as a numbered version (EntryVersion); edits made before the
deadline are submitted again as the next version. The secretariat screens versions, never a
half-edited entry.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import utc_now
from shared.contracts.submissions import (
    EntrySubmitted,
    EntrySubmittedPayload,
    EntryWithdrawn,
    EntryWithdrawnPayload,
    MediaKind,
    SubmittedFile,
    Submitter,
)
from shared.errors import ApiError
from shared.messaging.outbox import Outbox

from ..contests.service import phases_of
from ..domain.codes import entry_code
from ..domain.submission import (
    submission_window,
)
from ..models import (
    Account,
    Category,
    Contest,
    Entry,
    EntryAuthor,
    EntryFile,
    EntrySequence,
    EntryVersion,
)
from .access import contest_and_category, ensure_editable, own_entry
from .checks import entry_problems
from .schemas import EntryFields, EntryIn


async def create_entry(session: AsyncSession, who: Principal, data: EntryIn) -> Entry:
    contest = await session.get(Contest, data.contest_id)
    if contest is None or contest.version == 0:
        raise ApiError(404, "Không tìm thấy cuộc thi. / Contest not found.")
    category = next((c for c in contest.categories if c.code == data.category_code), None)
    if category is None:
        raise ApiError(422, f"Cuộc thi không có thể loại {data.category_code}. / No such category.")
    window = submission_window(phases_of(contest))
    if window is not None and utc_now() > window.ends_at:
        raise ApiError(422, "Đã hết hạn nhận bài. / The submission deadline has passed.")
    now = utc_now()
    entry = Entry(
        contest_id=contest.contest_id,
        category_id=category.category_id,
        owner_id=who.account_id,
        created_at=now,
        files=[],
        authors=[],
    )
    _apply_fields(entry, data)
    session.add(entry)
    await session.flush()
    return entry


async def update_entry(
    session: AsyncSession, who: Principal, entry_id: str, data: EntryFields
) -> Entry:
    entry = await own_entry(session, who, entry_id)
    contest, _ = await contest_and_category(session, entry)
    ensure_editable(entry, contest)
    _apply_fields(entry, data)
    return entry


def _apply_fields(entry: Entry, data: EntryFields) -> None:
    entry.title = data.title
    entry.language = data.language
    entry.district = data.district
    entry.synopsis = data.synopsis
    entry.series_parts = data.series_parts
    entry.exemplars = [e.model_dump() for e in data.exemplars]
    entry.publication = data.publication.model_dump(mode="json") if data.publication else None
    entry.consent_republication = data.consent_republication
    entry.authors.clear()
    entry.authors.extend(
        EntryAuthor(
            position=i,
            full_name=a.full_name,
            pen_name=a.pen_name,
            organisation=a.organisation,
            phone=a.phone,
            email=str(a.email).lower(),
        )
        for i, a in enumerate(data.authors)
    )
    entry.updated_at = utc_now()


async def submit_entry(
    session: AsyncSession, outbox: Outbox, who: Principal, entry_id: str
) -> Entry:
    entry = await own_entry(session, who, entry_id)
    contest, category = await contest_and_category(session, entry)
    ensure_editable(entry, contest)
    problems = await entry_problems(session, entry)
    if problems:
        raise ApiError(
            422,
            "Chưa thể nộp bài. / The entry cannot be submitted yet.",
            [p.message for p in problems],
        )
    if entry.code is None:
        entry.code = entry_code(contest.code, category.code, await _next_number(session, category))
    entry.status = "submitted"
    entry.version += 1
    entry.submitted_at = entry.updated_at = utc_now()
    session.add(
        EntryVersion(
            entry_id=entry.entry_id,
            version=entry.version,
            snapshot=snapshot(entry, category),
            created_at=entry.submitted_at,
        )
    )
    owner = await session.get(Account, entry.owner_id)
    assert owner is not None
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
                files=tuple(submitted_file(f) for f in entry.files if f.status == "verified"),
                submitter=submitter(owner, entry),
            ),
        ),
    )
    return entry


async def withdraw_entry(
    session: AsyncSession, outbox: Outbox, who: Principal, entry_id: str
) -> Entry:
    entry = await own_entry(session, who, entry_id)
    contest, _ = await contest_and_category(session, entry)
    if entry.status != "submitted":
        raise ApiError(409, "Chỉ rút được bài đã nộp. / Only a submitted entry can be withdrawn.")
    ensure_editable(entry, contest)  # until the deadline
    entry.status = "withdrawn"
    entry.withdrawn_at = entry.updated_at = utc_now()
    owner = await session.get(Account, entry.owner_id)
    assert owner is not None
    assert entry.code is not None
    await outbox.stage(
        session,
        EntryWithdrawn(
            contest_id=entry.contest_id,
            payload=EntryWithdrawnPayload(
                entry_id=entry.entry_id,
                code=entry.code,
                category_id=entry.category_id,
                title=entry.title,
                withdrawn_at=entry.withdrawn_at,
                submitter=submitter(owner, entry),
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


async def my_entries(session: AsyncSession, who: Principal) -> list[Entry]:
    rows = await session.scalars(
        sa.select(Entry).where(Entry.owner_id == who.account_id).order_by(Entry.created_at)
    )
    return list(rows)


def submitter(account: Account, entry: Entry) -> Submitter:
    return Submitter(
        account_id=account.account_id,
        email=account.email,
        display_name=account.display_name,
        language=account.language,
        phone=account.phone or contact_phone(account, entry),
    )


def contact_phone(account: Account, entry: Entry) -> str:
    """The phone of the author who is the account holder, else of the main author."""
    own = [a.phone for a in entry.authors if a.email == account.email.lower()]
    return next((p for p in own + [a.phone for a in entry.authors] if p), "")


def submitted_file(file: EntryFile) -> SubmittedFile:
    assert file.kind
    assert file.media_type
    assert file.object_key
    assert file.stored_sha256
    assert file.stored_size is not None
    return SubmittedFile(
        file_id=file.file_id,
        kind=MediaKind(file.kind),
        media_type=file.media_type,
        size_bytes=file.stored_size,
        sha256=file.stored_sha256,
        object_key=file.object_key,
        text_key=file.text_key,
    )


def snapshot(entry: Entry, category: Category) -> dict[str, Any]:
    """The entry as submitted: what the secretariat screens and what jurors may later see."""
    return {
        "code": entry.code,
        "category_code": category.code,
        "category_name": category.name,
        "title": entry.title,
        "language": entry.language,
        "district": entry.district,
        "synopsis": entry.synopsis,
        "series_parts": entry.series_parts,
        "exemplars": list(entry.exemplars),
        "publication": entry.publication,
        "consent_republication": entry.consent_republication,
        "authors": [
            {
                "full_name": a.full_name,
                "pen_name": a.pen_name,
                "organisation": a.organisation,
                "phone": a.phone,
                "email": a.email,
            }
            for a in entry.authors
        ],
        "files": [
            {
                "file_id": f.file_id,
                "original_name": f.original_name,
                "role": f.role,
                "series_part": f.series_part,
                "kind": f.kind,
                "media_type": f.media_type,
                "size_bytes": f.declared_size,
                "sha256": f.sha256,
                "stored_sha256": f.stored_sha256,
                "stored_size": f.stored_size,
                "object_key": f.object_key,
                "text_key": f.text_key,
                "facts": f.facts,
                "identifying": f.identifying,
            }
            for f in entry.files
            if f.status == "verified"
        ],
    }
