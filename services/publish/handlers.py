"""Bus handlers: keep the public view of contests and the count of arrived entries."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.bus.consumer import Subscription
from shared.contracts.base import utc_now
from shared.contracts.submissions import ContestPublished, EntrySubmitted

from .models import ArrivedEntry, PublicContest


async def show_contest(event: ContestPublished, session: AsyncSession) -> None:
    """Show the newest published version of a contest."""
    p = event.payload
    contest = await session.get(PublicContest, p.contest_id)
    if contest is not None and contest.version >= p.version:
        return
    contest = contest or PublicContest(contest_id=p.contest_id)
    contest.code = p.code
    contest.title = p.title
    contest.theme = p.theme
    contest.organizer = p.organizer
    contest.timezone = p.timezone
    contest.version = p.version
    contest.phases = [ph.model_dump(mode="json") for ph in p.phases]
    contest.categories = [{"code": c.code, "name": c.name} for c in p.categories]
    contest.updated_at = utc_now()
    session.add(contest)


async def count_entry(event: EntrySubmitted, session: AsyncSession) -> None:
    """Count an entry once, however many times it is re-submitted."""
    p = event.payload
    if await session.get(ArrivedEntry, (event.contest_id, p.entry_id)) is None:
        session.add(
            ArrivedEntry(
                contest_id=event.contest_id or "",
                entry_id=p.entry_id,
                category_code=p.category_code,
                first_submitted_at=p.submitted_at,
            )
        )


SUBSCRIPTIONS = [
    Subscription(ContestPublished, "publish-contests", show_contest),
    Subscription(EntrySubmitted, "publish-entry-counts", count_entry),
]
