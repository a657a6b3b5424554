"""Bus handlers: turn events into deliveries. A handler only writes the delivery row; the
dispatcher sends it, so a redelivered event can never send twice."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.bus.consumer import Subscription
from shared.contracts.base import Event, new_event_id, utc_now
from shared.contracts.judging import JurorAssigned, JurorReminderRequested
from shared.contracts.submissions import (
    AccountEmailRequested,
    EntryScreened,
    EntrySubmitted,
    EntryWithdrawn,
)
from shared.db import notify_commit

from .domain.messages import (
    Message,
    account_message,
    juror_assigned_message,
    juror_reminder_message,
    receipt_message,
    screening_message,
    withdrawal_message,
)
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


class NotifyHandlers:
    """One handler per event type, each queuing one e-mail to the person concerned."""

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings

    async def _email(
        self,
        event: Event,  # type: ignore[type-arg]
        message: Message,
        session: AsyncSession,
    ) -> None:
        delivery = delivery_for(
            event,
            recipient=message.recipient,
            language=message.language,
            template=message.template,
            context=message.context,
            bounce_domain=self.settings.bounce_domain,
        )
        await enqueue(session, delivery)

    async def entry_receipt(self, event: EntrySubmitted, session: AsyncSession) -> None:
        """Send the submitter a receipt with the entry code."""
        message = receipt_message(event.payload, self.settings.portal_url)
        await self._email(event, message, session)

    async def account_email(self, event: AccountEmailRequested, session: AsyncSession) -> None:
        """Send a single-use link: verify an address, reset a password, accept an invitation."""
        await self._email(event, account_message(event.payload), session)

    async def entry_screened(self, event: EntryScreened, session: AsyncSession) -> None:
        """Tell the submitter the secretariat's decision, with its reason."""
        message = screening_message(event.payload, self.settings.portal_url)
        await self._email(event, message, session)

    async def entry_withdrawn(self, event: EntryWithdrawn, session: AsyncSession) -> None:
        """Confirm a withdrawal, so a withdrawal the contestant did not make is noticed."""
        message = withdrawal_message(event.payload, self.settings.portal_url)
        await self._email(event, message, session)

    async def juror_assigned(self, event: JurorAssigned, session: AsyncSession) -> None:
        """Tell a juror their entries are released to them, with the deadline."""
        await self._email(event, juror_assigned_message(event.payload), session)

    async def juror_reminder(self, event: JurorReminderRequested, session: AsyncSession) -> None:
        """Remind a juror of the entries they have not submitted yet."""
        await self._email(event, juror_reminder_message(event.payload), session)


def subscriptions(settings: NotifySettings) -> list[Subscription[Any]]:
    handlers = NotifyHandlers(settings)
    return [
        Subscription(EntrySubmitted, "notify-entry-receipts", handlers.entry_receipt),
        Subscription(AccountEmailRequested, "notify-account-emails", handlers.account_email),
        Subscription(EntryScreened, "notify-screening-decisions", handlers.entry_screened),
        Subscription(EntryWithdrawn, "notify-withdrawals", handlers.entry_withdrawn),
        Subscription(JurorAssigned, "notify-juror-assignments", handlers.juror_assigned),
        Subscription(JurorReminderRequested, "notify-juror-reminders", handlers.juror_reminder),
    ]
