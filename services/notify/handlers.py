"""Bus handlers: turn events into deliveries. A handler only writes the delivery row; the
dispatcher sends it, so a redelivered event can never send twice."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.bus.consumer import Subscription
from shared.contracts.base import Event, new_event_id, utc_now
from shared.contracts.submissions import EntrySubmitted
from shared.db import notify_commit

from .domain.formatting import local_datetime
from .domain.templates import render
from .models import Delivery
from .settings import NotifySettings


def delivery_for(
    event: Event,  # type: ignore[type-arg]
    *,
    recipient: str,
    language: str,
    template: str,
    context: dict[str, Any],
    bounce_domain: str,
) -> Delivery:
    message = render(template, language, context)
    delivery_id = new_event_id()
    return Delivery(
        delivery_id=delivery_id,
        message_id=f"<{delivery_id}@{bounce_domain}>",
        source_event_id=event.event_id,
        contest_id=event.contest_id,
        channel="email",
        recipient=recipient,
        template=template,
        language=message.language,
        subject=message.subject,
        body_text=message.text,
        body_html=message.html,
        status="queued",
        attempts=0,
        next_attempt_at=utc_now(),
        created_at=utc_now(),
    )


async def enqueue(session: AsyncSession, delivery: Delivery) -> None:
    """Add the delivery unless this (event, recipient, channel) already has one."""
    exists = await session.scalar(
        sa.select(Delivery.delivery_id).where(
            Delivery.source_event_id == delivery.source_event_id,
            Delivery.recipient == delivery.recipient,
            Delivery.channel == delivery.channel,
        )
    )
    if exists:
        return
    session.add(delivery)
    notify_commit(session)  # wakes the dispatcher


def subscriptions(settings: NotifySettings) -> list[Subscription[Any]]:
    async def entry_receipt(event: EntrySubmitted, session: AsyncSession) -> None:
        """Send the submitter a receipt with the entry code."""
        p = event.payload
        delivery = delivery_for(
            event,
            recipient=p.submitter.email,
            language=p.submitter.language,
            template="entry_receipt",
            context={
                "name": p.submitter.display_name,
                "code": p.code,
                "title": p.title,
                "category": p.category_name,
                "submitted_at": local_datetime(p.submitted_at),
                "files": len(p.files),
                "portal_url": settings.portal_url,
            },
            bounce_domain=settings.bounce_domain,
        )
        await enqueue(session, delivery)

    return [Subscription(EntrySubmitted, "notify-entry-receipts", entry_receipt)]
