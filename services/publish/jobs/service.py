"""Publication jobs: one per approved winner and configured outlet."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession


async def plan_publications(
    session: AsyncSession, contest_id: str, entry_ids: Sequence[str], now: datetime
) -> int:
    """Create the jobs of these winners at every outlet their category goes to, once each
    (a re-approval adds none twice). Returns how many were created."""
    raise NotImplementedError  # filled in by the jobs feature
