"""Preferences per recipient and channel, and the key that signs unsubscribe links."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import utc_now

from ..domain.phones import InvalidPhone, normalize_vn_phone
from ..domain.preferences import CHANNELS, read_unsubscribe_token, unsubscribe_token
from ..models import Contestant, Preference, ServiceKey

KEY_NAME = "unsubscribe"


async def signing_key(session: AsyncSession) -> bytes:
    """The unsubscribe key, made on first use and kept in the database with the data."""
    value = await session.scalar(sa.select(ServiceKey.value).where(ServiceKey.name == KEY_NAME))
    if value is None:
        value = secrets.token_urlsafe(48)
        session.add(ServiceKey(name=KEY_NAME, value=value))
        await session.flush()
    return value.encode()


async def unsubscribe_url(
    session: AsyncSession, public_url: str, recipient: str, channel: str
) -> str:
    token = unsubscribe_token(await signing_key(session), recipient, channel)
    return f"{public_url.rstrip('/')}/unsubscribe?{urlencode({'token': token})}"


async def recipient_of_token(session: AsyncSession, token: str) -> tuple[str, str]:
    """(recipient, channel); BadUnsubscribeToken when the link was not made here."""
    return read_unsubscribe_token(await signing_key(session), token)


async def disabled_channels(session: AsyncSession, *recipients: str) -> set[str]:
    """The channels any of these addresses (a person's e-mail and phones) turned off."""
    rows = await session.scalars(
        sa.select(Preference.channel).where(
            Preference.recipient.in_(recipients), Preference.enabled.is_(False)
        )
    )
    return set(rows)


async def set_preference(
    session: AsyncSession, recipient: str, channel: str, enabled: bool, source: str
) -> None:
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    row = await session.get(Preference, (recipient, channel))
    if row is None:
        session.add(
            Preference(
                recipient=recipient,
                channel=channel,
                enabled=enabled,
                updated_at=utc_now(),
                source=source,
            )
        )
    else:
        row.enabled = enabled
        row.updated_at = utc_now()
        row.source = source


async def preferences_of(session: AsyncSession, recipients: list[str]) -> dict[str, bool]:
    """channel → enabled, for the person's addresses (e-mail and phone)."""
    off = await disabled_channels(session, *recipients)
    return {channel: channel not in off for channel in CHANNELS}


async def addresses_of(session: AsyncSession, who: Principal) -> list[str]:
    """Where a signed-in person is reached: their e-mail, and the phones of their entries."""
    phones = await session.scalars(
        sa.select(Contestant.phone).where(
            Contestant.account_id == who.account_id, Contestant.phone != ""
        )
    )
    addresses = [who.email.lower()]
    for raw in set(phones):
        try:
            addresses.append(normalize_vn_phone(raw))
        except InvalidPhone:
            continue
    return addresses


async def set_own(
    session: AsyncSession, who: Principal, choices: dict[str, bool], source: str
) -> None:
    """The person's choice per channel: e-mail for their address, Zalo for their phones."""
    for address in await addresses_of(session, who):
        channel = "email" if "@" in address else "zalo"
        await set_preference(session, address, channel, choices[channel], source)
