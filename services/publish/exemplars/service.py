"""The exemplar press room: imported exemplars, searched by journalists, in the feeds."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


async def exemplars_for_feeds(session: AsyncSession, limit: int = 200) -> list[Any]:
    """Exemplars that consented to be published, newest first (ORM rows of the feature)."""
    raise NotImplementedError  # filled in by the exemplars feature
