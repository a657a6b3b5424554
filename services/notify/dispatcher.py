"""The dispatcher: sends queued deliveries, records the outcome, retries temporary failures.

Deliveries are claimed for a short lease in one transaction, sent outside any transaction, and
settled in another; a replica that dies mid-send leaves a lease that expires, and the delivery
is tried again.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

import aiosmtplib
import sqlalchemy as sa

from shared.contracts.base import utc_now
from shared.contracts.notify import DeliveryPayload, NotificationFailed, NotificationSent
from shared.logs import get_logger
from shared.runtime import ServiceRuntime

from .domain.retry import retry_delay, smtp_failure_is_temporary
from .models import Delivery
from .settings import NotifySettings

log = get_logger("lantoa.notify.dispatcher")

LEASE = timedelta(minutes=2)
BATCH = 20


class PermanentFailure(Exception):
    pass


class TemporaryFailure(Exception):
    pass


def build_email(delivery: Delivery, settings: NotifySettings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = delivery.recipient
    message["Subject"] = delivery.subject
    message["Message-ID"] = delivery.message_id
    message["Date"] = formatdate(localtime=False)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Lantoa-Delivery"] = delivery.delivery_id
    message.set_content(delivery.body_text)
    message.add_alternative(delivery.body_html, subtype="html")
    return message


def bounce_address(delivery: Delivery, settings: NotifySettings) -> str:
    """A return path per delivery, so a bounce report names the delivery it is about."""
    return f"bounce+{delivery.delivery_id}@{settings.bounce_domain}"


class Dispatcher:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        self.settings: NotifySettings = runtime.settings  # type: ignore[assignment]
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        runtime.db.on_commit(self._wake.set)

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
        for delivery in claimed:
            await self._send(delivery)
        return len(claimed)

    async def _claim(self) -> list[Delivery]:
        now = utc_now()
        due = sa.or_(
            sa.and_(Delivery.status == "queued", Delivery.next_attempt_at <= now),
            sa.and_(Delivery.status == "sending", Delivery.claimed_until < now),
        )
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
                delivery.claimed_until = now + LEASE
                delivery.attempts += 1
        return rows

    async def _send(self, delivery: Delivery) -> None:
        try:
            await self._deliver_email(delivery)
        except PermanentFailure as error:
            await self._settle(delivery, "failed", str(error))
        except TemporaryFailure as error:
            if delivery.attempts >= self.settings.dispatch_max_attempts:
                await self._settle(
                    delivery, "failed", f"gave up after {delivery.attempts}: {error}"
                )
            else:
                await self._settle(delivery, "queued", str(error))
        else:
            await self._settle(delivery, "sent", None)

    async def _deliver_email(self, delivery: Delivery) -> None:
        settings = self.settings
        if "@" not in parseaddr(delivery.recipient)[1]:
            raise PermanentFailure(f"not an e-mail address: {delivery.recipient!r}")
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        try:
            await aiosmtplib.send(
                build_email(delivery, settings),
                sender=bounce_address(delivery, settings),
                recipients=[delivery.recipient],
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                use_tls=settings.smtp_security == "tls",
                start_tls=settings.smtp_security == "starttls",
                username=settings.smtp_username,
                password=password,
                timeout=settings.smtp_timeout_seconds,
            )
        except aiosmtplib.SMTPResponseException as error:
            reason = f"SMTP {error.code}: {error.message}"
            if smtp_failure_is_temporary(error.code):
                raise TemporaryFailure(reason) from error
            raise PermanentFailure(reason) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise TemporaryFailure(repr(error)) from error

    async def _settle(self, delivery: Delivery, status: str, error: str | None) -> None:
        async with self.runtime.db.transaction() as session:
            row = await session.get(Delivery, delivery.delivery_id)
            assert row is not None
            row.status = status
            row.last_error = error
            row.claimed_until = None
            payload = DeliveryPayload(
                delivery_id=row.delivery_id,
                channel=row.channel,
                template=row.template,
                source_event_id=row.source_event_id,
                attempts=row.attempts,
                reason=error,
            )
            if status == "sent":
                row.sent_at = utc_now()
                await self.runtime.outbox.stage(
                    session, NotificationSent(contest_id=row.contest_id, payload=payload)
                )
            elif status == "failed":
                await self.runtime.outbox.stage(
                    session, NotificationFailed(contest_id=row.contest_id, payload=payload)
                )
            else:
                row.next_attempt_at = utc_now() + retry_delay(row.attempts)
        log.info(
            "delivery settled",
            delivery_id=delivery.delivery_id,
            status=status,
            attempts=delivery.attempts,
            error=error,
        )

    async def stop(self, grace_seconds: float) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await asyncio.wait({self._task}, timeout=grace_seconds)
            if not self._task.done():
                self._task.cancel()
