"""Apply a bounce report to the delivery it is about, once.

A permanent failure settles the delivery as bounced and tells the other services; a temporary
failure or a delay only goes into the delivery log; a success report marks it delivered. A
delivery that has already failed for good is never changed again, so a report that arrives
twice, or a late "delivered" after a bounce, changes nothing.
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now
from shared.contracts.notify import DeliveryPayload, NotificationFailed
from shared.logs import get_logger
from shared.messaging.outbox import Outbox

from ..domain.dsn import BounceReport, RecipientStatus, decisive_status
from ..models import Delivery, DeliveryAttempt

log = get_logger("lantoa.notify.bounces")

Outcome = Literal["unknown", "bounced", "delayed", "delivered", "unchanged", "ignored"]

FINAL_FAILURES = frozenset({"bounced", "failed"})
# Only a delivery handed to an MTA can bounce; a queued one has not left yet.
BOUNCEABLE = frozenset({"sending", "sent", "delivered"})


async def record_report(
    session: AsyncSession, report: BounceReport, *, source: str, outbox: Outbox
) -> Outcome:
    """Apply ``report`` to its delivery in ``session``'s transaction; say what it did.

    ``source`` says where the report came from (``smtp``, ``api:<account>``) for the log."""
    delivery = await _locked_delivery(session, report.delivery_id)
    if delivery is None:
        return "unknown"
    status = decisive_status(report, delivery.recipient)
    if status is None or status.action not in ("failed", "delayed", "delivered"):
        return "ignored"  # relayed / expanded: nothing more will be known
    if delivery.status in FINAL_FAILURES:
        return "unchanged"
    now = utc_now()
    if status.action == "failed" and status.permanent:
        if delivery.status not in BOUNCEABLE:
            return "ignored"
        delivery.status = "bounced"
        delivery.last_error = f"Bị trả lại / bounced: {_summary(status)}"
        delivery.settled_at = now
        delivery.claimed_until = None
        _log_attempt(session, delivery, "bounced", status, source)
        await outbox.stage(session, _failed_event(delivery))
        outcome: Outcome = "bounced"
    elif status.action == "delivered":
        if delivery.status == "delivered":
            return "unchanged"
        delivery.status = "delivered"
        delivery.settled_at = delivery.settled_at or now
        _log_attempt(session, delivery, "delivered", status, source)
        outcome = "delivered"
    else:  # failed but temporary, or delayed: the remote MTA keeps trying
        _log_attempt(session, delivery, "delayed", status, source)
        outcome = "delayed"
    log.info(
        "bounce report applied",
        delivery_id=delivery.delivery_id,
        outcome=outcome,
        status=status.status,
        source=source,
    )
    return outcome


async def _locked_delivery(session: AsyncSession, delivery_id: str | None) -> Delivery | None:
    """The e-mail delivery named ``delivery_id``, locked against a concurrent report.

    Some MTAs lower-case the VERP address, and our ids are upper-case ULIDs."""
    if not delivery_id:
        return None
    for candidate in dict.fromkeys((delivery_id, delivery_id.upper())):
        delivery = await session.scalar(
            sa.select(Delivery)
            .where(Delivery.delivery_id == candidate, Delivery.channel == "email")
            .with_for_update()
        )
        if delivery is not None:
            return delivery
    return None


def _summary(status: RecipientStatus) -> str:
    return " ".join(part for part in (status.status, status.diagnostic) if part) or status.action


def _log_attempt(
    session: AsyncSession,
    delivery: Delivery,
    outcome: str,
    status: RecipientStatus,
    source: str,
) -> None:
    recipient = f" ({status.recipient})" if status.recipient else ""
    session.add(
        DeliveryAttempt(
            delivery_id=delivery.delivery_id,
            at=utc_now(),
            outcome=outcome,
            detail=f"{status.action}{recipient}: {_summary(status)}",
            actor=source[:64],
        )
    )


def _failed_event(delivery: Delivery) -> NotificationFailed:
    return NotificationFailed(
        contest_id=delivery.contest_id,
        payload=DeliveryPayload(
            delivery_id=delivery.delivery_id,
            channel=delivery.channel,
            template=delivery.template,
            source_event_id=delivery.source_event_id,
            attempts=max(1, delivery.attempts),
            reason=delivery.last_error,
        ),
    )
