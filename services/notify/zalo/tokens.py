"""The official account's tokens, notify's binding of the shared token code
(shared/zalo/tokens.py): one account, "oa", its app from notify's settings, stored as is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now
from shared.db import Database
from shared.zalo import tokens as shared_tokens
from shared.zalo.tokens import (
    NOT_CONFIGURED,
    TokenRefreshFailed,
    TokenStore,
    ZaloApp,
    ZaloNotConfigured,
)

from ..models import ZaloToken
from ..settings import NotifySettings

__all__ = [
    "ACCOUNT",
    "NOT_CONFIGURED",
    "STORE",
    "TokenRefreshFailed",
    "ZaloNotConfigured",
    "current_access_token",
    "set_tokens",
    "zalo_app",
]

ACCOUNT = "oa"
STORE = TokenStore(table=ZaloToken.__table__, account=ACCOUNT)


def zalo_app(settings: NotifySettings) -> ZaloApp | None:
    if not settings.zalo_app_id or settings.zalo_secret_key is None:
        return None
    return ZaloApp(
        app_id=settings.zalo_app_id,
        secret_key=settings.zalo_secret_key.get_secret_value(),
        oauth_url=settings.zalo_oauth_url,
    )


async def current_access_token(
    db: Database,
    settings: NotifySettings,
    http: httpx.AsyncClient,
    clock: Callable[[], datetime] = utc_now,
    *,
    force: bool = False,
    rejected: str | None = None,
) -> str:
    """An access token good for a while yet (see shared.zalo.tokens.current_access_token)."""
    return await shared_tokens.current_access_token(
        db, zalo_app(settings), STORE, http, clock, force=force, rejected=rejected
    )


async def set_tokens(
    session: AsyncSession,
    access: str,
    refresh: str,
    expires_at: datetime,
    now: datetime | None = None,
) -> None:
    """The operator's first set-up (or a reset after Zalo refused a refresh)."""
    await shared_tokens.set_tokens(session, STORE, access, refresh, expires_at, now)
