"""Reminding jurors of unfinished scoring, through notify: by the secretariat at any time, and
automatically before the deadline (planned on release, cancelled once the juror is done)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import new_event_id, utc_now
from shared.contracts.judging import (
    JurorReminderRequested,
    JurorReminderRequestedPayload,
    ReminderKind,
)
from shared.errors import ApiError
from shared.messaging.outbox import Outbox

from ..audit.service import record
from ..models import ContestView, CouncilMember, Reminder, Round
from ..rounds.service import jurors_of, round_or_404
from ..scoring.service import juror_progress


async def _send(
    session: AsyncSession,
    outbox: Outbox,
    round_: Round,
    member: CouncilMember,
    reminder: Reminder,
    public_url: str,
) -> bool:
    """Stage the reminder if the juror still has work; say whether it was sent."""
    assigned, submitted = await juror_progress(session, round_.round_id, member.member_id)
    now = utc_now()
    if submitted >= assigned or round_.status != "released" or now >= round_.deadline:
        reminder.status = "cancelled"
        return False
    contest = await session.get(ContestView, round_.contest_id)
    assert contest is not None
    await outbox.stage(
        session,
        JurorReminderRequested(
            contest_id=round_.contest_id,
            payload=JurorReminderRequestedPayload(
                reminder_id=reminder.reminder_id,
                kind=ReminderKind(reminder.kind),
                round_id=round_.round_id,
                round_name=round_.name,
                contest_title=contest.title,
                juror_id=member.member_id,
                email=member.email,
                display_name=member.display_name,
                language=member.language,
                remaining=assigned - submitted,
                total=assigned,
                deadline=round_.deadline,
                link=f"{public_url.rstrip('/')}/rounds/{round_.round_id}",
                note=reminder.note,
            ),
        ),
    )
    reminder.status = "sent"
    reminder.sent_at = now
    return True


async def remind_now(
    session: AsyncSession,
    outbox: Outbox,
    who: Principal,
    round_id: str,
    member_ids: Sequence[str] | None,
    note: str,
    public_url: str,
) -> list[str]:
    """The secretariat reminds jurors with unfinished work; returns who was reminded."""
    round_ = await round_or_404(session, round_id)
    if round_.status != "released":
        raise ApiError(
            409, "Chỉ nhắc khi vòng chấm đang diễn ra. / Reminders only while the round is open."
        )
    jurors = [
        m
        for m in await jurors_of(session, round_)
        if member_ids is None or m.member_id in member_ids
    ]
    reminded: list[str] = []
    now = utc_now()
    for member in jurors:
        reminder = Reminder(
            reminder_id=new_event_id(),
            round_id=round_id,
            member_id=member.member_id,
            kind="manual",
            due_at=now,
            status="pending",
            note=note.strip(),
            created_at=now,
        )
        session.add(reminder)
        if await _send(session, outbox, round_, member, reminder, public_url):
            reminded.append(member.member_id)
    await record(
        session,
        actor=who.email,
        action="jurors.reminded",
        subject=round_id,
        round_id=round_id,
        data={"members": reminded, "note": note.strip()},
    )
    return reminded


async def send_due(
    session: AsyncSession, outbox: Outbox, public_url: str, now: datetime | None = None
) -> int:
    """Send the automatic reminders that are due (the worker calls this)."""
    due = (
        await session.scalars(
            sa.select(Reminder)
            .where(Reminder.status == "pending", Reminder.due_at <= (now or utc_now()))
            .order_by(Reminder.due_at)
            .limit(200)
            .with_for_update(skip_locked=True)
        )
    ).all()
    sent = 0
    for reminder in due:
        round_ = await session.get(Round, reminder.round_id)
        member = await session.get(CouncilMember, reminder.member_id)
        if round_ is None or member is None:
            reminder.status = "cancelled"
            continue
        sent += await _send(session, outbox, round_, member, reminder, public_url)
    return sent
