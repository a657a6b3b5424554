"""Bus handlers: keep judging's projection of contests and accepted entries."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.bus.consumer import Subscription
from shared.contracts.base import utc_now
from shared.contracts.submissions import ContestPublished, EntryScreened, ScreeningDecision

from .domain.projection import blind_files, should_replace
from .models import ContestView, EntryCredits, EntryView


async def project_contest(event: ContestPublished, session: AsyncSession) -> None:
    """Keep the newest version of each published contest."""
    p = event.payload
    current = await session.get(ContestView, p.contest_id)
    if not should_replace(current.version if current else None, p.version):
        return
    view = current or ContestView(contest_id=p.contest_id)
    view.code = p.code
    view.title = p.title
    view.organizer = p.organizer
    view.version = p.version
    view.timezone = p.timezone
    view.categories = [
        {
            "category_id": c.category_id,
            "code": c.code,
            "name": c.name,
            "award_tiers": [t.model_dump(mode="json") for t in c.award_tiers],
        }
        for c in p.categories
    ]
    view.phases = [ph.model_dump(mode="json") for ph in p.phases]
    view.prize_budget_vnd = p.prize_budget_vnd
    view.updated_at = utc_now()
    session.add(view)


async def project_screening(event: EntryScreened, session: AsyncSession) -> None:
    """An accepted entry joins judging, blind, with its credits sealed apart; a later decision
    on a newer version (revision requested, rejected) takes it out of the pool."""
    p = event.payload
    current = await session.get(EntryView, p.entry_id)
    if current is not None and p.version < current.version:
        return
    if p.decision is not ScreeningDecision.ACCEPTED or p.entry is None:
        if current is not None:
            current.status = p.decision.value
            current.version = p.version
        return
    entry = p.entry
    view = current or EntryView(entry_id=p.entry_id)
    view.contest_id = event.contest_id or ""
    view.category_id = entry.category_id
    view.category_code = entry.category_code
    view.category_name = entry.category_name
    view.code = entry.code
    view.title = entry.title
    view.language = entry.language
    view.synopsis = entry.synopsis
    view.series_parts = entry.series_parts
    view.exemplars = [e.model_dump(mode="json") for e in entry.exemplars]
    view.version = p.version
    view.files = blind_files(entry)
    view.cannot_anonymise = entry.cannot_anonymise
    view.status = "accepted"
    view.screened_at = p.decided_at
    session.add(view)
    if p.credits is not None:
        credits = await session.get(EntryCredits, p.entry_id) or EntryCredits(entry_id=p.entry_id)
        credits.authors = [a.model_dump(mode="json") for a in p.credits.authors]
        credits.district = p.credits.district
        credits.publication = (
            p.credits.publication.model_dump(mode="json") if p.credits.publication else None
        )
        credits.consent_republication = p.credits.consent_republication
        session.add(credits)


SUBSCRIPTIONS: list[Subscription[Any]] = [
    Subscription(ContestPublished, "judging-contests", project_contest),
    Subscription(EntryScreened, "judging-screening", project_screening),
]
