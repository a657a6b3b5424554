"""The official account's tokens. Zalo's refresh token is single use and rotates on every
refresh, so refreshing is serialised across replicas: the row is locked (SELECT … FOR UPDATE on
PostgreSQL; SQLite's write transaction already admits one writer), read again in case another
replica refreshed while we waited, and both new tokens are stored in that same transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now
from shared.db import Database
from shared.logs import get_logger

from ..models import ZaloToken
from ..settings import NotifySettings

log = get_logger("lantoa.notify.zalo")

ACCOUNT = "oa"
# Refresh a little before the access token runs out, not in the middle of a send.
EARLY_REFRESH = timedelta(minutes=5)
NOT_CONFIGURED = "Chưa cấu hình Zalo OA / Zalo is not configured"


class ZaloNotConfigured(Exception):
    """No app id, no app secret, or no tokens set by the operator yet."""

    def __init__(self, reason: str = NOT_CONFIGURED) -> None:
        super().__init__(reason)


class TokenRefreshFailed(Exception):
    """Zalo's OAuth endpoint did not give new tokens (unreachable, 5xx, or refused)."""


async def current_access_token(
    db: Database,
    settings: NotifySettings,
    http: httpx.AsyncClient,
    clock: Callable[[], datetime] = utc_now,
    *,
    force: bool = False,
    rejected: str | None = None,
) -> str:
    """An access token good for a while yet, refreshing it when it expires or when ``force``d
    (Zalo said ``rejected`` is invalid)."""
    if not settings.zalo_app_id or settings.zalo_secret_key is None:
        raise ZaloNotConfigured()
    async with db.reading() as session:
        row = await session.get(ZaloToken, ACCOUNT)
        if row is None:
            raise ZaloNotConfigured()
        if _usable(row, clock(), force, rejected):
            return row.access_token
        seen_version = row.version
    return await _refresh(db, settings, http, clock, seen_version)


def _usable(row: ZaloToken, now: datetime, force: bool, rejected: str | None) -> bool:
    if force:
        # Zalo refused ``rejected``; a different token here is one another send refreshed.
        return rejected is not None and row.access_token != rejected
    return row.access_expires_at > now + EARLY_REFRESH


async def _refresh(
    db: Database,
    settings: NotifySettings,
    http: httpx.AsyncClient,
    clock: Callable[[], datetime],
    seen_version: int,
) -> str:
    async with db.transaction() as session:
        row = await session.scalar(
            sa.select(ZaloToken).where(ZaloToken.account == ACCOUNT).with_for_update()
        )
        if row is None:
            raise ZaloNotConfigured()
        if row.version != seen_version:
            return row.access_token  # refreshed by another send or replica while we waited
        access, refresh, expires_in = await _ask_for_tokens(http, settings, row.refresh_token)
        now = clock()
        changed = await session.execute(
            sa.update(ZaloToken)
            .where(ZaloToken.account == ACCOUNT, ZaloToken.version == row.version)
            .values(
                access_token=access,
                refresh_token=refresh,
                access_expires_at=now + timedelta(seconds=expires_in),
                version=row.version + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            # Cannot happen under the lock; if it does, the new pair must not be lost silently.
            raise TokenRefreshFailed("zalo_tokens changed during refresh")
    log.info("zalo access token refreshed", version=row.version + 1)
    return access


async def _ask_for_tokens(
    http: httpx.AsyncClient, settings: NotifySettings, refresh_token: str
) -> tuple[str, str, int]:
    assert settings.zalo_secret_key is not None
    try:
        response = await http.post(
            settings.zalo_oauth_url,
            headers={"secret_key": settings.zalo_secret_key.get_secret_value()},
            data={
                "app_id": settings.zalo_app_id,
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
        )
    except httpx.HTTPError as error:
        raise TokenRefreshFailed(
            f"Không gọi được Zalo OAuth / Zalo OAuth unreachable: {error!r}"
        ) from error
    if response.status_code >= 400:
        raise TokenRefreshFailed(f"Zalo OAuth HTTP {response.status_code}")
    try:
        answer = response.json()
        return (
            str(answer["access_token"]),
            str(answer["refresh_token"]),
            int(answer["expires_in"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise TokenRefreshFailed(
            "Zalo từ chối làm mới token, người vận hành cần đặt lại token "
            f"/ Zalo refused the token refresh, the operator must set new tokens: "
            f"{response.text[:300]}"
        ) from error


async def set_tokens(
    session: AsyncSession,
    access: str,
    refresh: str,
    expires_at: datetime,
    now: datetime | None = None,
) -> None:
    """The operator's first set-up (or a reset after Zalo refused a refresh)."""
    now = now or utc_now()
    row = await session.scalar(
        sa.select(ZaloToken).where(ZaloToken.account == ACCOUNT).with_for_update()
    )
    if row is None:
        session.add(
            ZaloToken(
                account=ACCOUNT,
                access_token=access,
                refresh_token=refresh,
                access_expires_at=expires_at,
                version=1,
                updated_at=now,
            )
        )
        return
    row.access_token = access
    row.refresh_token = refresh
    row.access_expires_at = expires_at
    row.version += 1
    row.updated_at = now
