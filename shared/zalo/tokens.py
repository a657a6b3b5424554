"""A Zalo official account's tokens, kept in the service's own ``zalo_tokens`` table, one row
per account (notify: "oa"; publish: one per outlet).

Zalo's refresh token is single use and rotates on every refresh, so refreshing is serialised
across replicas: the row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's write
transaction already admits one writer), read again in case another replica refreshed while we
waited, and both new tokens are stored in that same transaction. A service that keeps tokens
encrypted at rest gives a ``seal``/``open`` pair; the table then holds only sealed text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now
from shared.db import Database, UTCDateTime
from shared.logs import get_logger

log = get_logger("lantoa.zalo")

OAUTH_URL = "https://oauth.zaloapp.com/v4/oa/access_token"
# Refresh a little before the access token runs out, not in the middle of a call.
EARLY_REFRESH = timedelta(minutes=5)
NOT_CONFIGURED = "Chưa cấu hình Zalo OA / Zalo is not configured"
REFRESH_REFUSED = (
    "Zalo từ chối làm mới token, cần đặt lại token / Zalo refused the token refresh, "
    "new tokens must be set"
)


class ZaloNotConfigured(Exception):
    """No app id, no app secret, or no tokens set yet."""

    def __init__(self, reason: str = NOT_CONFIGURED) -> None:
        super().__init__(reason)


class TokenRefreshFailed(Exception):
    """Zalo's OAuth endpoint did not give new tokens (unreachable, 5xx, or refused)."""


class TokenRefreshRefused(TokenRefreshFailed):
    """Zalo answered and refused: the refresh token is spent or revoked; only new tokens set
    by a person help (retrying would not)."""


def zalo_tokens_table(metadata: sa.MetaData) -> sa.Table:
    """The tokens table, the same in every service that talks to Zalo."""
    return sa.Table(
        "zalo_tokens",
        metadata,
        sa.Column("account", sa.String(32), primary_key=True),
        sa.Column("access_token", sa.Text, nullable=False),
        sa.Column("refresh_token", sa.Text, nullable=False),
        sa.Column("access_expires_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, default=1),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )


@dataclass(frozen=True)
class ZaloApp:
    """The Zalo app the official account belongs to: what refreshing a token needs."""

    app_id: str
    secret_key: str
    oauth_url: str = OAUTH_URL


def _as_is(value: str) -> str:
    return value


@dataclass(frozen=True)
class TokenStore:
    """Where one account's tokens live, and how they are sealed at rest (not at all unless
    told)."""

    table: sa.Table
    account: str
    seal: Callable[[str], str] = _as_is
    open: Callable[[str], str] = _as_is


@dataclass(frozen=True)
class StoredTokens:
    """One account's tokens, opened."""

    account: str
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    version: int
    updated_at: datetime


async def read_tokens(
    session: AsyncSession, store: TokenStore, *, for_update: bool = False
) -> StoredTokens | None:
    t = store.table
    query = sa.select(t).where(t.c.account == store.account)
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).mappings().first()
    if row is None:
        return None
    return StoredTokens(
        account=row["account"],
        access_token=store.open(row["access_token"]),
        refresh_token=store.open(row["refresh_token"]),
        access_expires_at=row["access_expires_at"],
        version=row["version"],
        updated_at=row["updated_at"],
    )


async def current_access_token(
    db: Database,
    app: ZaloApp | None,
    store: TokenStore,
    http: httpx.AsyncClient,
    clock: Callable[[], datetime] = utc_now,
    *,
    force: bool = False,
    rejected: str | None = None,
) -> str:
    """An access token good for a while yet, refreshing it when it expires or when ``force``d
    (Zalo said ``rejected`` is invalid)."""
    if app is None or not app.app_id or not app.secret_key:
        raise ZaloNotConfigured()
    async with db.reading() as session:
        tokens = await read_tokens(session, store)
    if tokens is None:
        raise ZaloNotConfigured()
    if _usable(tokens, clock(), force, rejected):
        return tokens.access_token
    return await _refresh(db, app, store, http, clock, tokens.version)


def _usable(tokens: StoredTokens, now: datetime, force: bool, rejected: str | None) -> bool:
    if force:
        # Zalo refused ``rejected``; a different token here is one another call refreshed.
        return rejected is not None and tokens.access_token != rejected
    return tokens.access_expires_at > now + EARLY_REFRESH


async def _refresh(
    db: Database,
    app: ZaloApp,
    store: TokenStore,
    http: httpx.AsyncClient,
    clock: Callable[[], datetime],
    seen_version: int,
) -> str:
    t = store.table
    async with db.transaction() as session:
        tokens = await read_tokens(session, store, for_update=True)
        if tokens is None:
            raise ZaloNotConfigured()
        if tokens.version != seen_version:
            return tokens.access_token  # refreshed by another call or replica while we waited
        access, refresh, expires_in = await _ask_for_tokens(http, app, tokens.refresh_token)
        now = clock()
        changed = await session.execute(
            sa.update(t)
            .where(t.c.account == store.account, t.c.version == tokens.version)
            .values(
                access_token=store.seal(access),
                refresh_token=store.seal(refresh),
                access_expires_at=now + timedelta(seconds=expires_in),
                version=tokens.version + 1,
                updated_at=now,
            )
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            # Cannot happen under the lock; if it does, the new pair must not be lost silently.
            raise TokenRefreshFailed("zalo_tokens changed during refresh")
    log.info("zalo access token refreshed", account=store.account, version=tokens.version + 1)
    return access


async def _ask_for_tokens(
    http: httpx.AsyncClient, app: ZaloApp, refresh_token: str
) -> tuple[str, str, int]:
    try:
        response = await http.post(
            app.oauth_url,
            headers={"secret_key": app.secret_key},
            data={
                "app_id": app.app_id,
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
        )
    except httpx.HTTPError as error:
        raise TokenRefreshFailed(
            f"Không gọi được Zalo OAuth / Zalo OAuth unreachable: {error!r}"
        ) from error
    if response.status_code >= 500 or response.status_code == 429:
        raise TokenRefreshFailed(f"Zalo OAuth HTTP {response.status_code}")
    try:
        answer = response.json()
        return (
            str(answer["access_token"]),
            str(answer["refresh_token"]),
            int(answer["expires_in"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise TokenRefreshRefused(f"{REFRESH_REFUSED}: {response.text[:300]}") from error


async def set_tokens(
    session: AsyncSession,
    store: TokenStore,
    access: str,
    refresh: str,
    expires_at: datetime,
    now: datetime | None = None,
) -> None:
    """A person's first set-up (or a reset after Zalo refused a refresh)."""
    now = now or utc_now()
    t = store.table
    tokens = await read_tokens(session, store, for_update=True)
    values = {
        "access_token": store.seal(access),
        "refresh_token": store.seal(refresh),
        "access_expires_at": expires_at,
        "updated_at": now,
    }
    if tokens is None:
        await session.execute(sa.insert(t).values(account=store.account, version=1, **values))
        return
    await session.execute(
        sa.update(t)
        .where(t.c.account == store.account)
        .values(version=tokens.version + 1, **values)
    )


async def forget_tokens(session: AsyncSession, store: TokenStore) -> None:
    await session.execute(sa.delete(store.table).where(store.table.c.account == store.account))
