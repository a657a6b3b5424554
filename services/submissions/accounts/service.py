"""Accounts: creation and password sign-in (argon2)."""

from __future__ import annotations

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Role
from shared.contracts.base import utc_now

from ..models import Account

_hasher = PasswordHasher()
# Checked when the e-mail is unknown, so that both failures take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


async def find_account(session: AsyncSession, email: str) -> Account | None:
    return await session.scalar(sa.select(Account).where(Account.email == normalise_email(email)))


async def create_account(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    display_name: str,
    roles: list[Role],
    language: str = "vi",
) -> Account:
    account = Account(
        email=normalise_email(email),
        password_hash=hash_password(password),
        display_name=display_name,
        roles=[r.value for r in roles],
        language=language,
        created_at=utc_now(),
    )
    session.add(account)
    await session.flush()
    return account


async def authenticate(session: AsyncSession, email: str, password: str) -> Account | None:
    """The account if the password matches; None otherwise, unknown e-mail or not."""
    account = await find_account(session, email)
    try:
        _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return account
