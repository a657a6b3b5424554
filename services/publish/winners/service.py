"""Winners of approved results: recorded from ResultsApproved, read by pages, feeds, outlets."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.judging import ResultsApproved

from ..outlets.base import Work
from ..settings import PublishSettings


async def record_winners(event: ResultsApproved, session: AsyncSession) -> list[str]:
    """Keep the approved winners (again on a re-approval); returns the entry ids of winners
    whose works may be published (the authors consented)."""
    raise NotImplementedError  # filled in by the winners feature


async def works_for(
    session: AsyncSession, entry_ids: Sequence[str], settings: PublishSettings
) -> dict[str, Work]:
    """What outlets receive of these winners (consented, prepared, not retracted only)."""
    raise NotImplementedError  # filled in by the winners feature
