"""The outbox relay: publishes committed events to JetStream with ``Nats-Msg-Id = event_id``.

A commit in this process wakes the relay at once; a poll interval covers events committed by a
process that died before relaying them. The stream's duplicate window absorbs a re-send after a
crash between publish and marking the row.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from nats.js import JetStreamContext

from shared.contracts.base import utc_now
from shared.correlation import CORRELATION_HEADER
from shared.db import Database
from shared.logs import get_logger
from shared.metrics import ServiceMetrics

log = get_logger("lantoa.outbox")

PRUNE_EVERY_SECONDS = 600.0
OBSERVE_EVERY_SECONDS = 1.0


class JetStreamLink(Protocol):
    @property
    def js(self) -> JetStreamContext: ...

    @property
    def is_connected(self) -> bool: ...


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        table: sa.Table,
        link: JetStreamLink,
        metrics: ServiceMetrics,
        *,
        batch_size: int = 500,
        poll_seconds: float = 1.0,
        retention_days: int = 7,
        publish_timeout: float = 10.0,
    ) -> None:
        self.db = db
        self.table = table
        self.link = link
        self.metrics = metrics
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.retention = timedelta(days=retention_days)
        self.publish_timeout = publish_timeout
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._last_prune = 0.0
        self._last_observed = 0.0

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            self._wake.clear()
            if self._stopping:
                break
            try:
                while await self.relay_once() >= self.batch_size and not self._stopping:
                    pass
                await self._observe_backlog()
                await self._prune_if_due()
                failures = 0
            except Exception as error:  # keep relaying whatever goes wrong once
                failures += 1
                log.warning("outbox relay failed; will retry", error=repr(error), failures=failures)
                await asyncio.sleep(min(0.2 * 2**failures, 10.0))

    async def relay_once(self) -> int:
        """Publish up to one batch of pending events; return how many were confirmed."""
        if not self.link.is_connected:
            return 0
        t = self.table
        query = (
            sa.select(
                t.c.id, t.c.event_id, t.c.subject, t.c.body, t.c.correlation_id, t.c.created_at
            )
            .where(t.c.published_at.is_(None))
            .order_by(t.c.id)
            .limit(self.batch_size)
        )
        if self.db.is_sqlite:
            # SQLite has one writer: do not hold its lock while waiting on the network.
            async with self.db.reading() as session:
                rows = (await session.execute(query)).all()
            confirmed = await self._publish(rows)
            async with self.db.transaction() as session:
                await self._mark(session, confirmed)
        else:
            async with self.db.transaction() as session:
                rows = (await session.execute(query.with_for_update(skip_locked=True))).all()
                confirmed = await self._publish(rows)
                await self._mark(session, confirmed)
        if len(confirmed) < len(rows):
            raise RuntimeError(f"{len(rows) - len(confirmed)} of {len(rows)} events not confirmed")
        return len(confirmed)

    async def _publish(self, rows: Sequence[Any]) -> list[Any]:
        if not rows:
            return []
        js = self.link.js
        futures = []
        for row in rows:
            headers = {"Nats-Msg-Id": row.event_id, CORRELATION_HEADER: row.correlation_id}
            futures.append(await js.publish_async(row.subject, row.body.encode(), headers=headers))
        try:
            results = await asyncio.wait_for(
                asyncio.gather(*futures, return_exceptions=True), timeout=self.publish_timeout
            )
        except TimeoutError:
            return []
        confirmed = []
        now = utc_now()
        for row, result in zip(rows, results, strict=True):
            if isinstance(result, BaseException):
                log.warning("event not confirmed", event_id=row.event_id, error=repr(result))
                continue
            confirmed.append(row)
            self.metrics.events_published.labels(row.subject).inc()
            self.metrics.outbox_lag.observe(max(0.0, (now - row.created_at).total_seconds()))
        return confirmed

    async def _mark(self, session: Any, rows: list[Any]) -> None:
        if rows:
            await session.execute(
                sa.update(self.table)
                .where(self.table.c.id.in_([row.id for row in rows]))
                .values(published_at=utc_now())
            )

    async def pending(self) -> int:
        t = self.table
        async with self.db.reading() as session:
            count = await session.scalar(
                sa.select(sa.func.count()).select_from(t).where(t.c.published_at.is_(None))
            )
        return int(count or 0)

    async def _observe_backlog(self) -> None:
        # At most once a second: at a low rate every cycle is one commit.
        if time.monotonic() - self._last_observed < OBSERVE_EVERY_SECONDS:
            return
        self._last_observed = time.monotonic()
        t = self.table
        async with self.db.reading() as session:
            row = (
                await session.execute(
                    sa.select(sa.func.count(), sa.func.min(t.c.created_at)).where(
                        t.c.published_at.is_(None)
                    )
                )
            ).one()
        count, oldest = row
        self.metrics.outbox_pending.set(count or 0)
        age = (utc_now() - oldest).total_seconds() if oldest is not None else 0.0
        self.metrics.outbox_oldest_age.set(age)

    async def _prune_if_due(self) -> None:
        if time.monotonic() - self._last_prune < PRUNE_EVERY_SECONDS:
            return
        self._last_prune = time.monotonic()
        cutoff = utc_now() - self.retention
        async with self.db.transaction() as session:
            await session.execute(
                sa.delete(self.table).where(
                    self.table.c.published_at.is_not(None), self.table.c.published_at < cutoff
                )
            )

    async def stop(self, grace_seconds: float) -> None:
        """Stop the loop, then publish what is still pending (within the grace period)."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await asyncio.wait({self._task}, timeout=grace_seconds)
        deadline = time.monotonic() + grace_seconds
        while time.monotonic() < deadline:
            try:
                if await self.relay_once() == 0:
                    break
            except Exception as error:
                log.warning("outbox flush failed", error=repr(error))
                await asyncio.sleep(0.2)
        if self._task is not None and not self._task.done():
            self._task.cancel()
