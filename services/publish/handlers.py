"""Bus handlers: keep the public view of contests, the count of arrived entries and the
approved winners (then plan their publications)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.bus.consumer import Subscription
from shared.contracts.base import utc_now
from shared.contracts.judging import ResultsApproved
from shared.contracts.submissions import ContestPublished, EntrySubmitted

from .jobs.service import plan_publications, retract_unpublishable
from .models import ArrivedEntry, PublicContest
from .winners.service import record_winners


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
    contest.categories = [
        {
            "code": c.code,
            "name": c.name,
            "kinds": [k.value for k in c.rules.allowed_kinds],
            "tiers": [t.model_dump(mode="json") for t in c.award_tiers],
        }
        for c in p.categories
    ]
    contest.rules_html = p.rules_html
    contest.prize_budget_vnd = p.prize_budget_vnd
    contest.eligibility = p.eligibility.model_dump(mode="json", exclude={"excluded_emails"})
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


async def show_winners(event: ResultsApproved, session: AsyncSession) -> None:
    """Keep the approved winners, then plan their publications (database only: the texts and
    durations are read from storage later, by the preparation worker)."""
    publishable = await record_winners(event, session)
    now = utc_now()
    await plan_publications(session, event.payload.contest_id, publishable, now)
    # A re-approval that drops a winner, or whose authors withdrew consent, takes it down.
    await retract_unpublishable(session, event.payload.contest_id, publishable, now)


SUBSCRIPTIONS: list[Subscription[Any]] = [
    Subscription(ContestPublished, "publish-contests", show_contest),
    Subscription(EntrySubmitted, "publish-entry-counts", count_entry),
    Subscription(ResultsApproved, "publish-winners", show_winners),
]
