"""What notify keeps of other services' data, from their events: contests, the entries with
the people who submitted them, and jurors — enough to reach everyone a contest concerns."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.judging import JurorAssignedPayload
from shared.contracts.submissions import (
    ContestPublishedPayload,
    EntryScreenedPayload,
    EntrySubmittedPayload,
    ScreeningDecision,
)

from .domain.messages import ContestantEntry, Recipient
from .models import Contest, Contestant, Juror


async def project_contest(session: AsyncSession, p: ContestPublishedPayload) -> None:
    row = await session.get(Contest, p.contest_id)
    if row is not None and row.version > p.version:
        return  # an older version redelivered late
    categories = json.dumps(
        [{"id": c.category_id, "code": c.code, "name": c.name} for c in p.categories],
        ensure_ascii=False,
    )
    if row is None:
        row = Contest(contest_id=p.contest_id)
        session.add(row)
    row.code, row.title, row.organizer = p.code, p.title, p.organizer
    row.version, row.categories = p.version, categories


async def project_submission(
    session: AsyncSession, contest_id: str, p: EntrySubmittedPayload
) -> None:
    row = await session.get(Contestant, p.entry_id)
    if row is not None and row.version > p.version:
        return
    if row is None:
        row = Contestant(entry_id=p.entry_id, contest_id=contest_id)
        session.add(row)
    row.code, row.title, row.version = p.code, p.title, p.version
    row.category_id, row.category_name = p.category_id, p.category_name
    row.account_id, row.email = p.submitter.account_id, p.submitter.email.lower()
    row.display_name, row.language = p.submitter.display_name, p.submitter.language
    row.phone, row.status = p.submitter.phone, "submitted"


async def mark_entry(session: AsyncSession, entry_id: str, status: str) -> None:
    row = await session.get(Contestant, entry_id)
    if row is not None:
        row.status = status


SCREENED = {
    ScreeningDecision.ACCEPTED: "accepted",
    ScreeningDecision.REVISION_REQUESTED: "revision",
    ScreeningDecision.REJECTED: "rejected",
}


async def project_screening(session: AsyncSession, p: EntryScreenedPayload) -> None:
    await mark_entry(session, p.entry_id, SCREENED[p.decision])


async def lock_contest(session: AsyncSession, contest_id: str) -> None:
    """Serialise, per contest, learning of it and refusing a message for not knowing it: one
    waits for the other, so a refusal is either never made or requeued when the contest comes.
    (SQLite runs one writer at a time already.)"""
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        await connection.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"notify-contest:{contest_id}"},
        )


async def project_juror(session: AsyncSession, contest_id: str, p: JurorAssignedPayload) -> None:
    row = await session.get(Juror, (contest_id, p.juror_id))
    if row is None:
        row = Juror(contest_id=contest_id, juror_id=p.juror_id)
        session.add(row)
    row.email, row.display_name, row.language = p.email.lower(), p.display_name, p.language


def as_entry(row: Contestant) -> ContestantEntry:
    return ContestantEntry(
        entry_id=row.entry_id,
        code=row.code,
        title=row.title,
        category=row.category_name,
        email=row.email,
        name=row.display_name,
        language=row.language,
        phone=row.phone,
    )


async def contest_entries(
    session: AsyncSession, contest_id: str, category_id: str | None = None
) -> list[ContestantEntry]:
    """Every entry of the contest still in it (not withdrawn), oldest code first."""
    query = (
        sa.select(Contestant)
        .where(Contestant.contest_id == contest_id, Contestant.status != "withdrawn")
        .order_by(Contestant.code)
    )
    if category_id:
        query = query.where(Contestant.category_id == category_id)
    return [as_entry(row) for row in await session.scalars(query)]


async def entry_of(session: AsyncSession, entry_id: str) -> ContestantEntry | None:
    row = await session.get(Contestant, entry_id)
    return as_entry(row) if row is not None else None


async def contest_jurors(session: AsyncSession, contest_id: str) -> list[Recipient]:
    rows = await session.scalars(
        sa.select(Juror).where(Juror.contest_id == contest_id).order_by(Juror.display_name)
    )
    return [Recipient(email=r.email, name=r.display_name, language=r.language) for r in rows]
