"""Winners of approved results: recorded from ResultsApproved, read by pages, feeds, outlets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now
from shared.contracts.judging import ResultsApproved, Winner

from ..domain.ninjs import build_item
from ..domain.site import (
    WorkRecord,
    content_hash,
    download_name,
    file_kind,
    media_files,
    public_author,
    redacted,
    tier_order,
)
from ..outlets.base import Work, WorkFile
from ..settings import PublishSettings
from .models import WinningWork

DROPPED = "Không còn trong kết quả được phê duyệt lại. / No longer in the re-approved results."


def _files_of(w: Winner) -> list[dict[str, Any]]:
    return [
        {
            "kind": file_kind(f.kind.value),
            "media_type": f.media_type,
            "size_bytes": f.size_bytes,
            "object_key": f.object_key,
            "text_key": f.text_key,
            "duration_s": None,
            "download_name": download_name(w.code, i, f.media_type),
        }
        for i, f in enumerate(w.files, start=1)
    ]


def _keys(files: Sequence[Mapping[str, Any]]) -> list[tuple[Any, Any]]:
    return [(f["object_key"], f.get("text_key")) for f in files]


def _learnt(new: dict[str, Any], old: Mapping[str, Any]) -> dict[str, Any]:
    return {**new, **{k: old[k] for k in ("duration_s", "width", "height") if old.get(k)}}


def _fill(row: WinningWork, event: ResultsApproved, w: Winner, position: int, digest: str) -> None:
    p = event.payload
    row.contest_id = p.contest_id
    row.contest_code = p.contest_code
    row.contest_title = p.contest_title
    row.code = w.code
    row.title = w.title
    row.category_code = w.category_code
    row.category_name = w.category_name
    row.tier_code = w.tier_code
    row.tier_name = w.tier_name
    row.tier_order = tier_order(w.tier_code)
    row.position = position
    row.prize_vnd = w.prize_vnd
    row.language = w.language
    row.synopsis = w.synopsis
    row.exemplars = [e.model_dump(mode="json") for e in w.exemplars]
    row.authors = [public_author(a.model_dump(mode="json")) for a in w.authors]
    row.district = w.district[:128]
    row.publication = w.publication.model_dump(mode="json") if w.publication else None
    row.consent = w.consent_republication
    row.approved_at = p.approved_at
    row.snapshot_hash = p.snapshot_hash
    row.content_hash = digest
    if row.retraction_reason == DROPPED:  # back in the results; an organizer's take-down stays
        row.retracted_at = None
        row.retraction_reason = None
    row.updated_at = utc_now()


async def record_winners(event: ResultsApproved, session: AsyncSession) -> list[str]:
    """Keep the approved winners (again on a re-approval); returns the entry ids of winners
    whose works may be published (the authors consented).

    Idempotent: a winner judging sends exactly as before is left untouched; a changed one is
    updated (and prepared again when its files changed); a winner of this contest no longer in
    the results is marked retracted."""
    p = event.payload
    existing = {
        row.entry_id: row
        for row in await session.scalars(
            sa.select(WinningWork).where(WinningWork.contest_id == p.contest_id)
        )
    }
    ids = [w.entry_id for w in p.winners]
    others = set(ids) - set(existing)
    if others:  # an entry recorded under another contest id (should not happen): take it over
        for taken in await session.scalars(
            sa.select(WinningWork).where(WinningWork.entry_id.in_(others))
        ):
            existing[taken.entry_id] = taken
    # Works an organizer took down stay down, whatever a re-approval says.
    held = {
        entry_id
        for entry_id, row in existing.items()
        if row.retracted_at is not None and row.retraction_reason != DROPPED
    }
    now = utc_now()
    for position, w in enumerate(p.winners):
        digest = content_hash(
            {**w.model_dump(mode="json"), "contest": [p.contest_code, p.contest_title]}
        )
        row = existing.get(w.entry_id)
        if row is not None and row.content_hash == digest and row.retraction_reason != DROPPED:
            if row.position != position:
                row.position = position
            continue
        files = _files_of(w)
        if row is None:
            row = WinningWork(entry_id=w.entry_id, files=files, body_text=None, prepared_at=None)
            session.add(row)
        elif _keys(row.files) != _keys(files):
            row.files, row.body_text, row.prepared_at = files, None, None
        else:  # the same files: keep what preparation learnt of them (durations, sizes)
            learnt = {str(f["object_key"]): f for f in row.files}
            row.files = [_learnt(f, learnt[str(f["object_key"])]) for f in files]
            if w.consent_republication and not row.consent:
                row.prepared_at = None  # consent given now: its text is read afresh
            elif not w.consent_republication:
                row.body_text = None  # consent withdrawn: its words are not kept
        _fill(row, event, w, position, digest)
    kept = set(ids)
    for entry_id, gone in existing.items():
        if entry_id not in kept and gone.retracted_at is None:
            gone.retracted_at = now
            gone.retraction_reason = DROPPED
            gone.updated_at = now
    return [w.entry_id for w in p.winners if w.consent_republication and w.entry_id not in held]


async def take_down(session: AsyncSession, entry_id: str, reason: str, now: datetime) -> None:
    """An organizer takes a winning work down everywhere: off the gallery, canceled in the
    feeds (its outlets' jobs are retracted by the caller)."""
    row = await session.get(WinningWork, entry_id, with_for_update=True)
    if row is not None and row.retracted_at is None:
        row.retracted_at = now
        row.retraction_reason = reason
        row.updated_at = now


def record_of(row: Any) -> WorkRecord:
    """The work as the public side may read it (see ``redacted``), from a WinningWork or a
    row of its columns."""
    return redacted(
        WorkRecord(
            entry_id=row.entry_id,
            code=row.code,
            title=row.title,
            contest_id=row.contest_id,
            contest_code=row.contest_code,
            contest_title=row.contest_title,
            category_code=row.category_code,
            category_name=row.category_name,
            tier_code=row.tier_code,
            tier_name=row.tier_name,
            prize_vnd=row.prize_vnd,
            language=row.language,
            synopsis=row.synopsis,
            authors=tuple(public_author(a) for a in row.authors),
            exemplars=tuple(row.exemplars),
            district=row.district,
            publication=row.publication,
            consent=row.consent,
            files=media_files(row.code, row.files),
            body_text=row.body_text,
            approved_at=row.approved_at,
            updated_at=row.updated_at,
            retracted_at=row.retracted_at,
            retraction_reason=row.retraction_reason,
        )
    )


async def winners_of(session: AsyncSession, contest_id: str) -> list[WorkRecord]:
    """The contest's winners in gallery order (retracted ones too; the gallery leaves them
    out)."""
    rows = await session.scalars(
        sa.select(WinningWork)
        .where(WinningWork.contest_id == contest_id)
        .order_by(WinningWork.category_code, WinningWork.tier_order, WinningWork.position)
    )
    return [record_of(r) for r in rows]


# The gallery lists every winner of a contest: all columns but the texts' words.
LISTED = [c for c in WinningWork.__table__.c if c.name != "body_text"]


async def gallery_works(session: AsyncSession, contest_id: str) -> list[WorkRecord]:
    """The contest's winners in gallery order, without their texts (one light query)."""
    rows = await session.execute(
        sa.select(*LISTED, sa.null().label("body_text"))
        .where(WinningWork.contest_id == contest_id)
        .order_by(WinningWork.category_code, WinningWork.tier_order, WinningWork.position)
    )
    return [record_of(r) for r in rows]


async def works_about(session: AsyncSession, exemplar_id: str) -> list[WorkRecord]:
    """Winning works that tell about a press-room exemplar and may say so (consented, not
    retracted), newest approval first."""
    rows = await session.execute(
        sa.select(*LISTED, sa.null().label("body_text"))
        .where(
            sa.cast(WinningWork.exemplars, sa.Text).contains(f'"{exemplar_id}"'),
            WinningWork.retracted_at.is_(None),
        )
        .order_by(WinningWork.approved_at.desc(), WinningWork.tier_order)
    )
    records = [record_of(r) for r in rows]
    return [r for r in records if any(e.get("exemplar_id") == exemplar_id for e in r.exemplars)]


async def winners_version(session: AsyncSession, contest_id: str | None = None) -> tuple[Any, ...]:
    """Changes whenever a winner (of the contest) is recorded, changed, prepared or retracted."""
    query = sa.select(sa.func.count(), sa.func.max(WinningWork.updated_at))
    if contest_id is not None:
        query = query.where(WinningWork.contest_id == contest_id)
    count, latest = (await session.execute(query)).one()
    return (int(count), latest)


async def work_by_code(session: AsyncSession, code: str) -> WorkRecord | None:
    """The work with this code (the newest approval's, should two contests share a code)."""
    row = await session.scalar(
        sa.select(WinningWork)
        .where(WinningWork.code == code)
        .order_by(WinningWork.approved_at.desc())
        .limit(1)
    )
    return record_of(row) if row is not None else None


async def latest_works(
    session: AsyncSession, limit: int, offset: int = 0
) -> tuple[list[WorkRecord], int]:
    """Winners newest first (retracted ones too: feeds announce them canceled), and how many
    there are in all."""
    total = await session.scalar(sa.select(sa.func.count()).select_from(WinningWork)) or 0
    rows = await session.scalars(
        sa.select(WinningWork)
        .order_by(
            WinningWork.updated_at.desc(),
            WinningWork.contest_id,
            WinningWork.tier_order,
            WinningWork.position,
        )
        .limit(limit)
        .offset(offset)
    )
    return [record_of(r) for r in rows], int(total)


def public_base(settings: PublishSettings) -> str:
    return settings.public_url.rstrip("/")


def work_of(record: WorkRecord, settings: PublishSettings) -> Work:
    base = public_base(settings)
    return Work(
        entry_id=record.entry_id,
        code=record.code,
        title=record.title,
        contest_title=record.contest_title,
        category_name=record.category_name,
        tier_name=record.tier_name,
        language=record.language,
        synopsis=record.synopsis,
        body_text=record.body_text,
        credits=record.credits,
        exemplars=record.exemplar_names,
        files=tuple(
            WorkFile(
                kind=f.kind,
                media_type=f.media_type,
                size_bytes=f.size_bytes,
                object_key=f.object_key,
                download_name=f.download_name,
                duration_s=f.duration_s,
            )
            for f in record.files
        ),
        page_url=f"{base}/tac-pham/{record.code}",
        ninjs=build_item(record, base),
    )


async def works_for(
    session: AsyncSession,
    entry_ids: Sequence[str],
    settings: PublishSettings,
    *,
    to_retract: bool = False,
) -> dict[str, Work]:
    """What outlets receive of these winners: consented, prepared, not retracted only — or,
    ``to_retract`` a work published before, any of them (redacted when consent is gone), so
    the outlet can name what it takes down."""
    if not entry_ids:
        return {}
    query = sa.select(WinningWork).where(WinningWork.entry_id.in_(list(entry_ids)))
    if not to_retract:
        query = query.where(
            WinningWork.consent.is_(True),
            WinningWork.prepared_at.is_not(None),
            WinningWork.retracted_at.is_(None),
        )
    rows = await session.scalars(query)
    return {r.entry_id: work_of(record_of(r), settings) for r in rows}
