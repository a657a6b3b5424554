"""Accounts: registration with e-mail verification, password sign-in (argon2) with throttling,
password reset, and staff invitations. Links sent by e-mail are single use; only their hash is
stored. Every e-mail leaves through notify (AccountEmailRequested in the outbox)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Role
from shared.contracts.base import utc_now
from shared.contracts.submissions import (
    AccountEmailPurpose,
    AccountEmailRequested,
    AccountEmailRequestedPayload,
)
from shared.db import Database
from shared.errors import ApiError
from shared.messaging.outbox import Outbox

from ..domain.throttle import Window, after_failure, blocked_for, wait_message
from ..models import Account, AccountToken, SignInThrottle

_hasher = PasswordHasher()
# Checked when the e-mail is unknown, so that both failures take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
UNUSABLE_PASSWORD = "!"  # an invited account has no password until it accepts
LINK_PATHS = {
    AccountEmailPurpose.VERIFY_EMAIL: "/account/verify",
    AccountEmailPurpose.RESET_PASSWORD: "/account/reset",
    AccountEmailPurpose.STAFF_INVITATION: "/account/invitation",
}
LINKS_PER_WINDOW = 3
LINKS_WINDOW = timedelta(hours=1)
BAD_LINK = (
    "Đường dẫn không hợp lệ, đã dùng hoặc đã hết hạn. Hãy yêu cầu gửi lại. "
    "/ This link is invalid, used or expired."
)


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
    password: str | None,
    display_name: str,
    roles: list[Role],
    language: str = "vi",
    verified: bool = True,
    status: str = "active",
    invited_by: str | None = None,
) -> Account:
    now = utc_now()
    account = Account(
        email=normalise_email(email),
        password_hash=hash_password(password) if password else UNUSABLE_PASSWORD,
        display_name=display_name,
        roles=[r.value for r in roles],
        language=language,
        status=status,
        email_verified_at=now if verified else None,
        invited_by=invited_by,
        created_at=now,
    )
    session.add(account)
    await session.flush()
    return account


@dataclass(frozen=True)
class LinkSettings:
    public_url: str
    verify_ttl: timedelta
    reset_ttl: timedelta
    invitation_ttl: timedelta

    def ttl(self, purpose: AccountEmailPurpose) -> timedelta:
        return {
            AccountEmailPurpose.VERIFY_EMAIL: self.verify_ttl,
            AccountEmailPurpose.RESET_PASSWORD: self.reset_ttl,
            AccountEmailPurpose.STAFF_INVITATION: self.invitation_ttl,
        }[purpose]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def send_link(
    session: AsyncSession,
    outbox: Outbox,
    links: LinkSettings,
    account: Account,
    purpose: AccountEmailPurpose,
) -> None:
    """Issue a single-use link and have notify e-mail it — at most a few an hour per account
    and purpose, so nobody can flood a mailbox through the public forms."""
    now = utc_now()
    recent = await session.scalar(
        sa.select(sa.func.count())
        .select_from(AccountToken)
        .where(
            AccountToken.account_id == account.account_id,
            AccountToken.purpose == purpose.value,
            AccountToken.created_at > now - LINKS_WINDOW,
        )
    )
    if (recent or 0) >= LINKS_PER_WINDOW:
        return
    token = secrets.token_urlsafe(32)
    expires_at = now + links.ttl(purpose)
    session.add(
        AccountToken(
            token_hash=_token_hash(token),
            account_id=account.account_id,
            purpose=purpose.value,
            created_at=now,
            expires_at=expires_at,
        )
    )
    await outbox.stage(
        session,
        AccountEmailRequested(
            payload=AccountEmailRequestedPayload(
                account_id=account.account_id,
                purpose=purpose,
                email=account.email,
                display_name=account.display_name,
                language=account.language,
                link=f"{links.public_url.rstrip('/')}{LINK_PATHS[purpose]}?token={token}",
                expires_at=expires_at,
                roles=tuple(account.roles),
            )
        ),
    )


async def use_link(session: AsyncSession, token: str, purpose: AccountEmailPurpose) -> Account:
    """The account a link was sent to, once; the link cannot be used again."""
    row = await session.get(AccountToken, _token_hash(token), with_for_update=True)
    now = utc_now()
    if row is None or row.purpose != purpose.value or row.used_at is not None:
        raise ApiError(400, BAD_LINK)
    if row.expires_at <= now:
        raise ApiError(400, BAD_LINK)
    row.used_at = now
    account = await session.get(Account, row.account_id)
    assert account is not None
    return account


async def register(
    session: AsyncSession,
    outbox: Outbox,
    links: LinkSettings,
    *,
    email: str,
    password: str,
    display_name: str,
    language: str,
) -> None:
    """A contestant account, usable once the e-mail is verified. An address already taken
    gets the same answer and no e-mail, so nobody learns who has an account."""
    if await find_account(session, email) is not None:
        return
    account = await create_account(
        session,
        email=email,
        password=password,
        display_name=display_name,
        roles=[Role.CONTESTANT],
        language=language,
        verified=False,
    )
    await send_link(session, outbox, links, account, AccountEmailPurpose.VERIFY_EMAIL)


async def verify_email(session: AsyncSession, token: str) -> Account:
    account = await use_link(session, token, AccountEmailPurpose.VERIFY_EMAIL)
    account.email_verified_at = account.email_verified_at or utc_now()
    return account


async def request_reset(
    session: AsyncSession, outbox: Outbox, links: LinkSettings, email: str
) -> None:
    account = await find_account(session, email)
    if account is None or account.status != "active":
        return  # same answer either way
    await send_link(session, outbox, links, account, AccountEmailPurpose.RESET_PASSWORD)


async def reset_password(session: AsyncSession, token: str, password: str) -> Account:
    account = await use_link(session, token, AccountEmailPurpose.RESET_PASSWORD)
    account.password_hash = hash_password(password)
    # Whoever reset it owns the mailbox: the address is verified too.
    account.email_verified_at = account.email_verified_at or utc_now()
    return account


async def invite_staff(
    session: AsyncSession,
    outbox: Outbox,
    links: LinkSettings,
    *,
    email: str,
    display_name: str,
    roles: list[Role],
    invited_by: str,
) -> Account:
    if Role.CONTESTANT in roles:
        raise ApiError(422, "Lời mời chỉ dành cho cán bộ. / Invitations are for staff only.")
    existing = await find_account(session, email)
    if existing is not None and existing.status != "invited":
        raise ApiError(409, "Địa chỉ e-mail này đã có tài khoản. / This e-mail has an account.")
    account = existing or await create_account(
        session,
        email=email,
        password=None,
        display_name=display_name,
        roles=roles,
        verified=False,
        status="invited",
        invited_by=invited_by,
    )
    account.roles = [r.value for r in roles]
    account.display_name = display_name
    await send_link(session, outbox, links, account, AccountEmailPurpose.STAFF_INVITATION)
    return account


async def accept_invitation(session: AsyncSession, token: str, password: str) -> Account:
    account = await use_link(session, token, AccountEmailPurpose.STAFF_INVITATION)
    account.password_hash = hash_password(password)
    account.status = "active"
    account.email_verified_at = account.email_verified_at or utc_now()
    return account


@dataclass(frozen=True)
class Throttle:
    window: timedelta
    max_failures: int


async def _window(session: AsyncSession, key: str) -> tuple[SignInThrottle | None, Window | None]:
    row = await session.get(SignInThrottle, key)
    return row, (Window(row.window_started_at, row.failures) if row else None)


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


async def authenticate(
    db: Database, throttle: Throttle, email: str, password: str, client: str
) -> Account | None:
    """The account if the password matches; None otherwise, unknown e-mail or not.

    Refused with 429 while the e-mail or the client address has failed too often. Hashing
    runs in a thread, outside any transaction: it is slow on purpose."""
    keys = [f"email:{normalise_email(email)}", f"client:{client}"]
    now = utc_now()
    async with db.reading() as session:
        windows = [(await _window(session, key))[1] for key in keys]
        account = await find_account(session, email)
    for window in windows:
        wait = blocked_for(window, now, throttle.window, throttle.max_failures)
        if wait:
            raise ApiError(429, wait_message(wait))
    usable = account is not None and account.status == "active"
    stored = account.password_hash if usable and account else _DUMMY_HASH
    if not await asyncio.to_thread(_password_matches, stored, password) or not usable:
        async with db.transaction() as session:
            for key in keys:
                row, window = await _window(session, key)
                updated = after_failure(window, now, throttle.window)
                if row is None:
                    session.add(
                        SignInThrottle(
                            key=key, window_started_at=updated.started_at, failures=updated.failures
                        )
                    )
                else:
                    row.window_started_at, row.failures = updated.started_at, updated.failures
        return None
    if windows[0] is not None:
        async with db.transaction() as session:
            await session.execute(sa.delete(SignInThrottle).where(SignInThrottle.key == keys[0]))
    return account
