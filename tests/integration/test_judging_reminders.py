"""Reminding jurors, on each database: the secretariat's reminder reaches only jurors with work
left; automatic reminders are planned at release, sent by the clock once due, exactly once,
and cancelled for a juror who has finished."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from services.judging.models import Reminder
from shared.contracts.base import utc_now
from shared.contracts.judging import JurorReminderRequested, ReminderKind
from tests.support.judging import Judging, accepted_event, juror_email, points_for


async def released(judging: Judging, **round_extra: Any) -> tuple[str, dict[int, str]]:
    """Three BC entries, three jurors of the BC subcommittee, two per entry: two each."""
    cid = judging.contest_id
    await judging.feed(*[accepted_event(cid, n, "BC") for n in (1, 2, 3)])
    council = await judging.council("preliminary", "Hội đồng sơ khảo")
    members = {n: await judging.member(council, n, category_id="cat-BC") for n in (1, 2, 3)}
    round_id = await judging.round(council, **round_extra)
    await judging.assign_and_release(round_id)
    return round_id, members


async def finish(judging: Judging, n: int, round_id: str, count: int | None = None) -> None:
    for a in (await judging.my_assignments(n, round_id))[:count]:
        await judging.ok(await judging.score(n, a["assignment_id"], points_for(70)))


async def reminders(judging: Judging, round_id: str) -> list[Reminder]:
    async with judging.runtime.db.reading() as session:
        rows = await session.scalars(
            sa.select(Reminder).where(Reminder.round_id == round_id).order_by(Reminder.due_at)
        )
        return list(rows.all())


async def test_the_secretariat_reminds_only_jurors_with_work_left(judging: Judging) -> None:
    round_id, members = await released(judging)
    await finish(judging, 1, round_id)  # done
    await finish(judging, 2, round_id, count=1)  # one of two left

    note = "Hội đồng họp sáng thứ Hai, mong các anh chị hoàn thành trước"
    answer = await judging.ok(
        await judging.secretariat.post(f"/api/rounds/{round_id}/remind", json={"note": note})
    )
    assert sorted(answer["reminded"]) == sorted([members[2], members[3]])
    events = {e.payload.juror_id: e.payload for e in await judging.events(JurorReminderRequested)}
    assert set(events) == {members[2], members[3]}
    two, three = events[members[2]], events[members[3]]
    assert (two.remaining, two.total, three.remaining, three.total) == (1, 2, 2, 2)
    assert two.email == juror_email(2) and two.display_name == "Giám Khảo 2"
    assert two.kind is ReminderKind.MANUAL and two.note == note
    assert two.link == f"http://testserver/rounds/{round_id}"
    assert two.round_name == "Vòng sơ khảo" and two.contest_title.startswith("Cuộc thi viết")
    round_ = await judging.ok(await judging.secretariat.get(f"/api/rounds/{round_id}"))
    assert two.deadline.isoformat()[:19] == round_["deadline"][:19]

    manual = {r.member_id: r for r in await reminders(judging, round_id) if r.kind == "manual"}
    assert manual[members[1]].status == "cancelled" and manual[members[1]].sent_at is None
    assert manual[members[2]].status == manual[members[3]].status == "sent"
    assert manual[members[2]].reminder_id == two.reminder_id

    # Naming only a juror who has finished reminds nobody.
    nobody = await judging.ok(
        await judging.secretariat.post(
            f"/api/rounds/{round_id}/remind", json={"member_ids": [members[1]]}
        )
    )
    assert nobody == {"reminded": []}
    assert len(await judging.events(JurorReminderRequested)) == 2


async def test_automatic_reminders_are_sent_when_due_and_cancelled_when_done(
    judging: Judging,
) -> None:
    deadline = utc_now() + timedelta(hours=2)
    round_id, members = await released(
        judging, deadline=deadline.isoformat(), reminder_hours=[1, 24]
    )
    planned = await reminders(judging, round_id)
    # 24 h before a deadline 2 h away is already past: only the 1 h reminder is planned.
    assert sorted(r.member_id for r in planned) == sorted(members.values())
    for reminder in planned:
        assert (reminder.kind, reminder.status) == ("automatic", "pending")
        assert abs((reminder.due_at - (deadline - timedelta(hours=1))).total_seconds()) < 1

    await finish(judging, 1, round_id)  # juror 1 is done: their reminder is not needed any more
    by_member = {r.member_id: r for r in await reminders(judging, round_id)}
    assert by_member[members[1]].status == "cancelled"
    assert by_member[members[2]].status == by_member[members[3]].status == "pending"

    # Bring the reminders due (as if an hour had passed); the clock polls every 0.2 s.
    async with judging.runtime.db.transaction() as session:
        await session.execute(
            sa.update(Reminder)
            .where(Reminder.round_id == round_id)
            .values(due_at=utc_now() - timedelta(seconds=1))
        )
    sent = await wait_for_events(judging, 2)
    assert {e.payload.juror_id for e in sent} == {members[2], members[3]}
    assert {e.payload.kind for e in sent} == {ReminderKind.AUTOMATIC}
    assert {(e.payload.remaining, e.payload.total) for e in sent} == {(2, 2)}

    await asyncio.sleep(1.0)  # several more ticks: nothing is sent twice
    assert len(await judging.events(JurorReminderRequested)) == 2
    by_member = {r.member_id: r for r in await reminders(judging, round_id)}
    assert by_member[members[1]].status == "cancelled" and by_member[members[1]].sent_at is None
    for n in (2, 3):
        assert by_member[members[n]].status == "sent" and by_member[members[n]].sent_at is not None
    assert {e.payload.reminder_id for e in sent} == {
        by_member[members[2]].reminder_id,
        by_member[members[3]].reminder_id,
    }


async def test_closing_the_round_cancels_the_reminders_still_planned(judging: Judging) -> None:
    round_id, _ = await released(judging)
    assert {r.status for r in await reminders(judging, round_id)} == {"pending"}
    await judging.ok(
        await judging.secretariat.post(
            f"/api/rounds/{round_id}/close", json={"unfinished_reason": "Hết thời gian chấm"}
        )
    )
    async with judging.runtime.db.transaction() as session:
        await session.execute(
            sa.update(Reminder)
            .where(Reminder.round_id == round_id)
            .values(due_at=utc_now() - timedelta(seconds=1))
        )
    await asyncio.sleep(1.0)
    assert await judging.events(JurorReminderRequested) == []
    assert {r.status for r in await reminders(judging, round_id)} == {"cancelled"}


async def wait_for_events(
    judging: Judging, count: int, timeout: float = 15.0
) -> list[JurorReminderRequested]:
    """The reminder events once ``count`` of them are in the outbox."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await judging.events(JurorReminderRequested)
        if len(found) >= count or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.1)
