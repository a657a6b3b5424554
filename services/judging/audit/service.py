"""Writing to the hash-chained audit log, and reading it back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now

from ..domain.audit_chain import GENESIS, Link, canonical_json
from ..models import AuditHead, AuditRecord

CHAIN = "main"


async def record(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    subject: str,
    data: dict[str, Any],
    round_id: str | None = None,
    at: datetime | None = None,
) -> AuditRecord:
    """Append one record in the caller's transaction (it commits or vanishes with the change)."""
    head = sa.table(
        "audit_head", sa.column("chain"), sa.column("seq"), sa.column("hash")
    )  # a Core view of the head row, for UPDATE … RETURNING
    moved = await session.execute(
        sa.update(head)
        .where(head.c.chain == CHAIN)
        .values(seq=head.c.seq + 1)
        .returning(head.c.seq, head.c.hash)
    )
    row = moved.first()
    if row is None:  # the very first record: the head is created with it
        session.add(AuditHead(chain=CHAIN, seq=1, hash=GENESIS))
        await session.flush()
        seq, prev_hash = 1, GENESIS
    else:
        seq, prev_hash = int(row[0]), str(row[1])
    moment = at or utc_now()
    link = Link(
        seq=seq,
        at=moment.isoformat(),
        actor=actor,
        action=action,
        round_id=round_id,
        subject=subject,
        data=canonical_json(data),
    )
    digest = link.hash_after(prev_hash)
    entry = AuditRecord(
        seq=seq,
        at=moment,
        actor=actor,
        action=action,
        round_id=round_id,
        subject=subject,
        data=link.data,
        prev_hash=prev_hash,
        hash=digest,
    )
    session.add(entry)
    await session.execute(sa.update(AuditHead).where(AuditHead.chain == CHAIN).values(hash=digest))
    return entry


def link_of(entry: AuditRecord) -> Link:
    return Link(
        seq=entry.seq,
        at=entry.at.isoformat(),
        actor=entry.actor,
        action=entry.action,
        round_id=entry.round_id,
        subject=entry.subject,
        data=entry.data,
    )


async def records(session: AsyncSession, batch: int = 2000) -> AsyncIterator[AuditRecord]:
    """Every record in order, a batch at a time."""
    after = 0
    while True:
        rows = (
            await session.scalars(
                sa.select(AuditRecord)
                .where(AuditRecord.seq > after)
                .order_by(AuditRecord.seq)
                .limit(batch)
            )
        ).all()
        if not rows:
            return
        for row in rows:
            yield row
        after = rows[-1].seq
