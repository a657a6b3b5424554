"""Bus handlers: keep notify's copy of contests and people, and turn events into deliveries.
A handler only writes rows; the dispatcher sends them, so a redelivered event never sends twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.bus.consumer import Subscription
from shared.contracts.base import Event
from shared.contracts.judging import JurorAssigned, JurorReminderRequested, ResultsApproved
from shared.contracts.publish import PublicationCompleted
from shared.contracts.submissions import (
    AccountEmailRequested,
    ContestPublished,
    EntryScreened,
    EntrySubmitted,
    EntryWithdrawn,
)

from . import projection
from .domain import event_data
from .domain.messages import (
    ACCOUNT_TEMPLATES,
    SCREENING_TEMPLATES,
    Message,
    account_message,
    entries_url,
    juror_assigned_message,
    juror_reminder_message,
    published_message,
    receipt_message,
    results_messages,
    screening_message,
    withdrawal_message,
)
from .models import Contest
from .planning import Planner, Source, enqueue, new_delivery, refuse, requeue_unknown_contest
from .settings import NotifySettings
from .webhooks.service import plan_webhooks


def source_of(event: Event) -> Source:  # type: ignore[type-arg]
    return Source(
        event_id=event.event_id,
        event_type=event.SUBJECT.split(".")[2],
        contest_id=event.contest_id,
        occurred_at=event.occurred_at,
    )


class NotifyHandlers:
    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings
        self.planner = Planner(settings)

    async def _tell(
        self,
        session: AsyncSession,
        event: Event,  # type: ignore[type-arg]
        build: Callable[[], Message],
        *,
        recipient: str,
        template: str,
    ) -> None:
        """Plan the message ``build`` makes; if the event's data cannot make one (a link that
        is not absolute, say), record the refusal with its reason instead of failing the batch."""
        try:
            message = build()
        except ValueError as error:
            stub = Message(template=template, recipient=recipient, language="vi", context={})
            delivery = new_delivery(source_of(event), "email", recipient[:320], stub)
            reason = f"Dữ liệu sự kiện không hợp lệ / bad event data: {error}"
            await enqueue(session, refuse(delivery, reason))
            return
        await self.planner.plan(session, source_of(event), message)

    async def _webhooks(
        self,
        session: AsyncSession,
        event: Event,  # type: ignore[type-arg]
        topic: str,
        data: dict[str, Any],
    ) -> None:
        source = source_of(event)
        for delivery in await plan_webhooks(
            session,
            event_id=source.event_id,
            event_type=source.event_type,
            contest_id=source.contest_id,
            topic=topic,
            data=data,
            occurred_at=source.occurred_at,
        ):
            await enqueue(session, delivery)

    async def contest_published(self, event: ContestPublished, session: AsyncSession) -> None:
        """Keep the contest; send what waited for it."""
        await projection.lock_contest(session, event.payload.contest_id)
        await projection.project_contest(session, event.payload)
        await session.flush()
        await requeue_unknown_contest(session, event.payload.contest_id)

    async def account_email(self, event: AccountEmailRequested, session: AsyncSession) -> None:
        """A single-use link: verify an address, reset a password, accept an invitation."""
        p = event.payload
        template = ACCOUNT_TEMPLATES[p.purpose]
        await self._tell(
            session, event, lambda: account_message(p), recipient=p.email, template=template
        )

    async def entry_submitted(self, event: EntrySubmitted, session: AsyncSession) -> None:
        """A receipt with the entry code."""
        if await self.planner.contest_known(session, event.contest_id):
            assert event.contest_id is not None
            await projection.project_submission(session, event.contest_id, event.payload)
        p = event.payload
        await self._tell(
            session,
            event,
            lambda: receipt_message(p, self.settings.portal_url),
            recipient=p.submitter.email,
            template="entry_receipt",
        )
        await self._webhooks(
            session, event, "entry_submitted", event_data.entry_submitted(event.payload)
        )

    async def entry_screened(self, event: EntryScreened, session: AsyncSession) -> None:
        """The secretariat's decision, with its reason."""
        await projection.project_screening(session, event.payload)
        p = event.payload
        await self._tell(
            session,
            event,
            lambda: screening_message(p, self.settings.portal_url),
            recipient=p.submitter.email,
            template=SCREENING_TEMPLATES[p.decision],
        )
        await self._webhooks(
            session, event, "entry_screened", event_data.entry_screened(event.payload)
        )

    async def entry_withdrawn(self, event: EntryWithdrawn, session: AsyncSession) -> None:
        """Confirm a withdrawal, so one the contestant did not make is noticed."""
        await projection.mark_entry(session, event.payload.entry_id, "withdrawn")
        p = event.payload
        await self._tell(
            session,
            event,
            lambda: withdrawal_message(p, self.settings.portal_url),
            recipient=p.submitter.email,
            template="entry_withdrawn",
        )
        await self._webhooks(
            session, event, "entry_withdrawn", event_data.entry_withdrawn(event.payload)
        )

    async def juror_assigned(self, event: JurorAssigned, session: AsyncSession) -> None:
        """One digest per juror and round: how many entries, by when, where."""
        if event.contest_id is not None:
            await projection.project_juror(session, event.contest_id, event.payload)
        p = event.payload
        await self._tell(
            session,
            event,
            lambda: juror_assigned_message(p),
            recipient=p.email,
            template="juror_assigned",
        )
        await self._webhooks(
            session, event, "juror_assigned", event_data.juror_assigned(event.payload)
        )

    async def juror_reminder(self, event: JurorReminderRequested, session: AsyncSession) -> None:
        """Remind a juror of the entries not submitted yet."""
        p = event.payload
        await self._tell(
            session,
            event,
            lambda: juror_reminder_message(p),
            recipient=p.email,
            template="juror_reminder",
        )

    async def results_approved(self, event: ResultsApproved, session: AsyncSession) -> None:
        """Every contestant hears the results: winners their tier and prize, others thanks."""
        p = event.payload
        entries = await projection.contest_entries(session, p.contest_id)
        contest = await session.get(Contest, p.contest_id)
        for message in results_messages(p, entries, entries_url(self.settings.portal_url)):
            if contest is not None:
                message.context["organizer"] = contest.organizer
            await self.planner.plan(session, source_of(event), message)
        await self._webhooks(session, event, "results_approved", event_data.results_approved(p))

    async def publication_completed(
        self, event: PublicationCompleted, session: AsyncSession
    ) -> None:
        """Tell the author where the work now runs."""
        p = event.payload
        entry = await projection.entry_of(session, p.entry_id)
        if entry is None:
            unknown = Message(
                template="entry_published",
                recipient=f"entry:{p.entry_id}",
                language="vi",
                context={},
            )
            delivery = new_delivery(source_of(event), "email", unknown.recipient, unknown)
            reason = "Không biết tác giả của tác phẩm này / unknown entry"
            await enqueue(session, refuse(delivery, f"{reason}: {p.entry_code}"))
        else:
            found = entry
            await self._tell(
                session,
                event,
                lambda: published_message(p, found),
                recipient=found.email,
                template="entry_published",
            )
        await self._webhooks(session, event, "entry_published", event_data.entry_published(p))


def subscriptions(settings: NotifySettings) -> list[Subscription[Any]]:
    h = NotifyHandlers(settings)
    return [
        Subscription(ContestPublished, "notify-contests", h.contest_published),
        Subscription(EntrySubmitted, "notify-entry-receipts", h.entry_submitted),
        Subscription(AccountEmailRequested, "notify-account-emails", h.account_email),
        Subscription(EntryScreened, "notify-screening-decisions", h.entry_screened),
        Subscription(EntryWithdrawn, "notify-withdrawals", h.entry_withdrawn),
        Subscription(JurorAssigned, "notify-juror-assignments", h.juror_assigned),
        Subscription(JurorReminderRequested, "notify-juror-reminders", h.juror_reminder),
        Subscription(ResultsApproved, "notify-results", h.results_approved),
        Subscription(PublicationCompleted, "notify-publications", h.publication_completed),
    ]
