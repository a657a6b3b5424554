"""Transactional outbox: events are rows written in the same transaction as the state change."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import Event, utc_now
from shared.db import notify_commit


class Outbox:
    def __init__(self, table: sa.Table) -> None:
        self.table = table

    async def stage(self, session: AsyncSession, *events: Event) -> None:  # type: ignore[type-arg]
        """Add events to the session's transaction; the relay publishes them after commit."""
        if not events:
            return
        now = utc_now()
        await session.execute(
            sa.insert(self.table),
            [
                {
                    "event_id": event.event_id,
                    "subject": event.SUBJECT,
                    "body": event.model_dump_json(),
                    "correlation_id": event.correlation_id,
                    "created_at": now,
                }
                for event in events
            ],
        )
        notify_commit(session)
