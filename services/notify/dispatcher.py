"""The dispatcher: sends queued deliveries through their channel, records every outcome in the
delivery log, retries temporary failures with backoff and jitter, and never retries permanent
ones.

Deliveries are claimed for a lease in one transaction and sent outside any transaction; each
outcome is recorded as soon as the channel answers (group commit, below). A process killed
mid-batch leaves only its unsent claims; their leases run out and another round sends them.
What a channel has sent is never sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from shared.contracts.base import utc_now
from shared.contracts.notify import DeliveryPayload, NotificationFailed, NotificationSent
from shared.logs import get_logger
from shared.runtime import ServiceRuntime

from .channels.base import Channel, Deferred, Outcome, PermanentFailure, TemporaryFailure
from .channels.email import EmailChannel
from .channels.webhook import WebhookChannel
from .channels.zalo import ZaloChannel
from .domain.retry import retry_delay
from .models import DELIVERIES, DELIVERY_ATTEMPTS, Delivery
from .settings import NotifySettings

log = get_logger("lantoa.notify.dispatcher")

BATCH = 200

# One UPDATE for a whole batch of outcomes (executemany).
_table = DELIVERIES
SETTLE = (
    sa.update(_table)
    .where(_table.c.delivery_id == sa.bindparam("id"))
    .values(
        claimed_until=None,
        status=sa.bindparam("status"),
        last_error=sa.bindparam("last_error"),
        attempts=sa.bindparam("attempts"),
        next_attempt_at=sa.bindparam("next_attempt_at"),
        sent_at=sa.bindparam("sent_at"),
        settled_at=sa.bindparam("settled_at"),
        provider_id=sa.bindparam("provider_id"),
    )
)


@dataclass(frozen=True)
class Settlement:
    """How one try went, to be recorded."""

    delivery: Delivery
    status: str  # the delivery's new status
    outcome_name: str  # what the delivery log says of this try
    error: str | None
    outcome: Outcome | None = None
    until: datetime | None = None  # deferred until


class GroupCommit:
    """Outcomes are recorded together: each waits for the commit that holds it, and whatever
    arrives while a commit runs goes into the next one. One writer transaction for many sends
    keeps SQLite's single write lock from becoming the queue, and each outcome is still on disk
    within milliseconds of the channel's answer."""

    def __init__(self, apply: Callable[[list[Settlement]], Awaitable[None]]) -> None:
        self.apply = apply
        self.pending: list[tuple[Settlement, asyncio.Future[None]]] = []
        self.lock = asyncio.Lock()

    async def submit(self, item: Settlement) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.append((item, done))
        async with self.lock:
            if not done.done():
                batch, self.pending = self.pending, []
                try:
                    await self.apply([settlement for settlement, _ in batch])
                except Exception as error:
                    log.exception("recording outcomes failed", count=len(batch))
                    for _, waiting in batch:
                        waiting.set_exception(error)
                else:
                    for _, waiting in batch:
                        waiting.set_result(None)
        await done


class Dispatcher:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        self.settings: NotifySettings = runtime.settings  # type: ignore[assignment]
        db = runtime.db
        self.channels: dict[str, Channel] = {
            "email": EmailChannel(self.settings),
            "zalo": ZaloChannel(db, self.settings),
            "webhook": WebhookChannel(db, self.settings),
        }
        # Enough sends in flight to keep every SMTP connection busy, and the other channels too.
        self._in_flight = asyncio.Semaphore(self.settings.smtp_connections * 2)
        self._settlements = GroupCommit(self._settle)
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        db.on_commit(self._wake.set)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="notify-dispatcher")

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.dispatch_poll_seconds)
            self._wake.clear()
            try:
                while not self._stopping and await self.dispatch_once():
                    pass
            except Exception as error:
                log.warning("dispatch round failed", error=repr(error))
                await asyncio.sleep(1.0)

    async def dispatch_once(self) -> int:
        claimed = await self._claim()
        results = await asyncio.gather(
            *(self._send_one(d) for d in claimed), return_exceptions=True
        )
        for result in results:
            if isinstance(result, Exception):  # not recorded: the lease brings it back
                log.warning("a delivery was not recorded", error=repr(result))
        return len(claimed)

    async def _claim(self) -> list[Delivery]:
        now = utc_now()
        due = sa.or_(
            sa.and_(Delivery.status == "queued", Delivery.next_attempt_at <= now),
            sa.and_(Delivery.status == "sending", Delivery.claimed_until < now),
        )
        lease = timedelta(seconds=self.settings.dispatch_lease_seconds)
        async with self.runtime.db.transaction() as session:
            rows = list(
                await session.scalars(
                    sa.select(Delivery)
                    .where(due)
                    .order_by(Delivery.next_attempt_at)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            )
            for delivery in rows:
                delivery.status = "sending"
                delivery.claimed_until = now + lease
                delivery.attempts += 1
        return rows

    async def _send_one(self, delivery: Delivery) -> None:
        async with self._in_flight:
            if self._stopping:
                return  # the lease runs out and a later round sends it
            settlement = await self._try(delivery)
        # Recorded at once, but the next send need not wait for this commit.
        await self._settlements.submit(settlement)

    async def _try(self, delivery: Delivery) -> Settlement:
        channel = self.channels.get(delivery.channel)
        try:
            if channel is None:
                raise PermanentFailure(f"unknown channel {delivery.channel!r}")
            outcome = await channel.send(delivery)
        except Deferred as deferral:
            return Settlement(delivery, "queued", "deferred", deferral.reason, until=deferral.until)
        except PermanentFailure as error:
            return Settlement(delivery, "failed", "permanent", str(error))
        except TemporaryFailure as error:
            if delivery.attempts >= self.settings.dispatch_max_attempts:
                reason = f"bỏ sau {delivery.attempts} lần / gave up: {error}"
                return Settlement(delivery, "failed", "temporary", reason)
            return Settlement(delivery, "queued", "temporary", str(error))
        except Exception as error:  # a bug in a channel must not stop the others
            log.exception("channel failed", delivery_id=delivery.delivery_id)
            return Settlement(delivery, "queued", "temporary", repr(error))
        return Settlement(delivery, outcome.status, outcome.status, None, outcome=outcome)

    async def _settle(self, batch: list[Settlement]) -> None:
        """Record outcomes in one transaction: whatever finished while the last commit ran.
        A few statements for the whole batch (executemany), not a flush per delivery."""
        now = utc_now()
        ids = [item.delivery.delivery_id for item in batch]
        async with self.runtime.db.transaction() as session:
            current = dict(
                (
                    await session.execute(
                        sa.select(Delivery.delivery_id, Delivery.status)
                        .where(Delivery.delivery_id.in_(ids))
                        .with_for_update()
                    )
                ).all()
            )
            attempts: list[dict[str, Any]] = []
            changes: list[dict[str, Any]] = []
            kept: list[str] = []
            events: list[NotificationSent | NotificationFailed] = []
            for item in batch:
                delivery = item.delivery
                detail = item.error or (item.outcome.detail if item.outcome else "")
                if item.until is not None:
                    detail = f"{detail} → {item.until.isoformat()}"
                attempts.append(
                    {
                        "delivery_id": delivery.delivery_id,
                        "at": now,
                        "outcome": item.outcome_name,
                        "detail": detail,
                        "actor": "",
                    }
                )
                if current.get(delivery.delivery_id) in ("bounced", "delivered"):
                    # A report or receipt came back while this was being sent: it stands.
                    kept.append(delivery.delivery_id)
                    continue
                change, event = self._change(item, now)
                changes.append(change)
                if event is not None:
                    events.append(event)
            connection = await session.connection()  # Core executemany, no ORM per row
            await connection.execute(sa.insert(DELIVERY_ATTEMPTS), attempts)
            if changes:
                await connection.execute(SETTLE, changes)
            if kept:
                await session.execute(
                    sa.update(Delivery)
                    .where(Delivery.delivery_id.in_(kept))
                    .values(claimed_until=None)
                )
            await self.runtime.outbox.stage(session, *events)
        for item in batch:
            log.info(
                "delivery settled",
                delivery_id=item.delivery.delivery_id,
                channel=item.delivery.channel,
                status=item.status,
                attempts=item.delivery.attempts,
                error=item.error,
            )

    def _change(
        self, item: Settlement, now: datetime
    ) -> tuple[dict[str, Any], NotificationSent | NotificationFailed | None]:
        """The delivery's new fields, and the event that tells of it."""
        delivery = item.delivery
        change: dict[str, Any] = {
            "id": delivery.delivery_id,
            "status": item.status,
            "last_error": item.error,
            "attempts": delivery.attempts,
            "next_attempt_at": delivery.next_attempt_at,
            "sent_at": delivery.sent_at,
            "settled_at": delivery.settled_at,
            "provider_id": delivery.provider_id,
        }
        if item.until is not None:  # waiting for the window or the quota is not a failed try
            change.update(attempts=delivery.attempts - 1, next_attempt_at=item.until)
            return change, None
        payload = DeliveryPayload(
            delivery_id=delivery.delivery_id,
            channel=delivery.channel,
            template=delivery.template,
            source_event_id=delivery.source_event_id,
            attempts=max(1, delivery.attempts),
            reason=item.error,
        )
        if item.status in ("sent", "delivered"):
            provider = item.outcome.provider_id if item.outcome else None
            change.update(sent_at=now, settled_at=now, provider_id=provider or delivery.provider_id)
            return change, NotificationSent(contest_id=delivery.contest_id, payload=payload)
        if item.status == "failed":
            change.update(settled_at=now)
            return change, NotificationFailed(contest_id=delivery.contest_id, payload=payload)
        delay = retry_delay(delivery.attempts, base_seconds=self.settings.retry_base_seconds)
        change.update(next_attempt_at=now + delay)
        return change, None

    async def stop(self, grace_seconds: float) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await asyncio.wait({self._task}, timeout=grace_seconds)
            if not self._task.done():
                self._task.cancel()
        for channel in self.channels.values():
            with contextlib.suppress(Exception):
                await channel.close()
