"""Announcements: who is in the audience, what each person receives, and sending it."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import new_event_id, utc_now
from shared.errors import ApiError

from ..domain.messages import Message, Recipient, announcement_messages
from ..domain.templates import RenderedMessage, render
from ..models import Announcement, Contest
from ..planning import Planner, Source, enqueue
from ..projection import contest_entries, contest_jurors
from ..webhooks.service import plan_webhooks
from .schemas import AnnouncementIn


async def contest_or_404(session: AsyncSession, contest_id: str) -> Contest:
    contest = await session.get(Contest, contest_id)
    if contest is None:
        raise ApiError(404, "Không có cuộc thi này / no such contest")
    return contest


async def audience_of(
    session: AsyncSession, contest: Contest, data: AnnouncementIn
) -> list[Recipient]:
    if data.audience == "jurors":
        return await contest_jurors(session, contest.contest_id)
    category = None
    if data.audience == "category":
        known = {c["id"] for c in json.loads(contest.categories)}
        if data.category_id not in known:
            raise ApiError(422, "Hãy chọn một thể loại của cuộc thi / choose a category")
        category = data.category_id
    entries = await contest_entries(session, contest.contest_id, category)
    return [
        Recipient(email=e.email, name=e.name, language=e.language, phone=e.phone) for e in entries
    ]


async def messages_for(
    session: AsyncSession, contest: Contest, data: AnnouncementIn
) -> list[Message]:
    recipients = await audience_of(session, contest, data)
    messages = announcement_messages(
        recipients,
        contest_title=contest.title,
        organizer=contest.organizer,
        subject=data.subject,
        body=data.body,
    )
    if not messages:
        raise ApiError(422, "Nhóm này chưa có ai để gửi / nobody is in this group yet")
    return messages


async def preview(
    session: AsyncSession, contest_id: str, data: AnnouncementIn, public_url: str
) -> tuple[int, RenderedMessage]:
    """What the first person of the audience would receive, and how many would."""
    contest = await contest_or_404(session, contest_id)
    messages = await messages_for(session, contest, data)
    first = messages[0]
    context = {**first.context, "unsubscribe_url": f"{public_url.rstrip('/')}/unsubscribe"}
    return len(messages), render(first.template, first.language, context)


async def send(
    session: AsyncSession, planner: Planner, who: Principal, contest_id: str, data: AnnouncementIn
) -> Announcement:
    contest = await contest_or_404(session, contest_id)
    messages = await messages_for(session, contest, data)
    announcement = Announcement(
        announcement_id=new_event_id(),
        contest_id=contest_id,
        audience=data.audience,
        category_id=data.category_id if data.audience == "category" else None,
        subject=data.subject,
        body=data.body,
        channels=",".join(data.channels),
        recipients=len(messages),
        created_by=who.account_id,
        created_at=utc_now(),
    )
    session.add(announcement)
    source = Source(
        event_id=announcement.announcement_id,
        event_type="announcement",
        contest_id=contest_id,
        occurred_at=announcement.created_at,
    )
    for message in messages:
        await planner.plan(session, source, message, channels=data.channels)
    for delivery in await plan_webhooks(
        session,
        event_id=source.event_id,
        event_type="announcement",
        contest_id=contest_id,
        topic="announcement",
        data={"subject": data.subject, "audience": data.audience, "recipients": len(messages)},
        occurred_at=source.occurred_at,
    ):
        await enqueue(session, delivery)
    return announcement


async def announcements_of(session: AsyncSession, contest_id: str) -> list[Announcement]:
    return list(
        await session.scalars(
            sa.select(Announcement)
            .where(Announcement.contest_id == contest_id)
            .order_by(Announcement.created_at.desc())
        )
    )
