"""Bus handlers: keep judging's projection of contests and entries."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.bus.consumer import Subscription
from shared.contracts.base import utc_now
from shared.contracts.submissions import ContestPublished, EntrySubmitted

from .domain.projection import blind_files, should_replace
from .models import ContestView, EntryView


async def project_contest(event: ContestPublished, session: AsyncSession) -> None:
    """Keep the newest version of each published contest."""
    p = event.payload
    current = await session.get(ContestView, p.contest_id)
    if not should_replace(current.version if current else None, p.version):
        return
    view = current or ContestView(contest_id=p.contest_id)
    view.code = p.code
    view.title = p.title
    view.version = p.version
    view.categories = [
        {"category_id": c.category_id, "code": c.code, "name": c.name} for c in p.categories
    ]
    view.updated_at = utc_now()
    session.add(view)


async def project_entry(event: EntrySubmitted, session: AsyncSession) -> None:
    """Keep the newest submitted version of each entry, without its authors."""
    p = event.payload
    current = await session.get(EntryView, p.entry_id)
    if not should_replace(current.version if current else None, p.version):
        return
    view = current or EntryView(entry_id=p.entry_id)
    view.contest_id = event.contest_id or ""
    view.category_id = p.category_id
    view.category_code = p.category_code
    view.code = p.code
    view.title = p.title
    view.language = p.language
    view.version = p.version
    view.files = blind_files(p)
    view.submitted_at = p.submitted_at
    session.add(view)


SUBSCRIPTIONS = [
    Subscription(ContestPublished, "judging-contests", project_contest),
    Subscription(EntrySubmitted, "judging-entries", project_entry),
]
