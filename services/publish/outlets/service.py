"""Outlets as the organizers configure them: checked (the kind's own checks, the address, the
credentials key), credentials sealed, and, when an outlet is added or its categories or date
change, its jobs planned for the winners already approved."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.addresses import internal_address_of
from shared.auth import Principal
from shared.errors import ApiError
from shared.zalo.tokens import TokenStore, read_tokens, set_tokens

from ..domain.outlets import (
    ADDRESS_INTERNAL,
    UNKNOWN_KIND,
    address_problems,
    category_problems,
    credentials_given,
    name_problems,
    normalise_categories,
    url_settings,
)
from ..settings import PublishSettings
from .base import Outlet
from .crypto import CredentialsUnavailable, Sealer, sealer_for
from .models import ZALO_TOKENS, OutletRecord
from .registry import adapter_for

INVALID = "Cấu hình kênh chưa dùng được / the outlet's configuration cannot be used"
NOT_FOUND = "Không tìm thấy kênh. / Outlet not found."
# Credentials kept in zalo_tokens (rotated by refreshes), not with the others.
TOKEN_FIELDS = ("access_token", "refresh_token")
EXPIRES_FIELD = "token_expires_in"
DEFAULT_EXPIRES_IN = 90000  # Zalo's access tokens live 25 hours
BOTH_TOKENS = (
    "Cần nhập cả access token và refresh token / enter both the access and the refresh token"
)
BAD_EXPIRY = "Thời hạn token (giây) phải là số dương / the token lifetime must be positive seconds"


@dataclass
class OutletFields:
    """What an organizer typed; ``None`` leaves a field as it was (on an update)."""

    contest_id: str | None = None
    name: str | None = None
    kind: str | None = None
    address: str | None = None
    settings: dict[str, Any] | None = None
    credentials: dict[str, str] = field(default_factory=dict)  # blank: keep the stored one
    categories: list[str] | None = None
    publish_from: datetime | None = None
    clear_publish_from: bool = False
    active: bool | None = None


@dataclass(frozen=True)
class OutletView:
    """An outlet as answers and pages show it: which credentials are set, never their values."""

    outlet_id: str
    contest_id: str
    name: str
    kind: str
    label: str
    address: str
    settings: dict[str, Any]
    credentials_set: list[str]
    categories: list[str]
    publish_from: datetime | None
    active: bool
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


def view(record: OutletRecord) -> OutletView:
    adapter = adapter_for(record.kind)
    return OutletView(
        outlet_id=record.outlet_id,
        contest_id=record.contest_id,
        name=record.name,
        kind=record.kind,
        label=adapter.label if adapter else record.kind,
        address=record.address,
        settings=dict(record.settings),
        credentials_set=sorted(record.credential_names),
        categories=list(record.categories),
        publish_from=record.publish_from,
        active=record.active,
        created_by=record.created_by,
        created_at=record.created_at,
        updated_by=record.updated_by,
        updated_at=record.updated_at,
    )


def token_store(outlet_id: str, sealer: Sealer) -> TokenStore:
    return TokenStore(ZALO_TOKENS, outlet_id, seal=sealer.seal, open=sealer.open)


async def list_outlets(session: AsyncSession, contest_id: str | None = None) -> list[OutletRecord]:
    query = sa.select(OutletRecord).order_by(OutletRecord.contest_id, OutletRecord.name)
    if contest_id:
        query = query.where(OutletRecord.contest_id == contest_id)
    return list(await session.scalars(query))


async def get_outlet(session: AsyncSession, outlet_id: str) -> OutletRecord:
    record = await session.get(OutletRecord, outlet_id)
    if record is None:
        raise ApiError(404, NOT_FOUND)
    return record


def opened(record: OutletRecord, settings: PublishSettings) -> Outlet:
    """The outlet with its credentials opened, for one call (CredentialsUnavailable when the
    key is missing or was changed)."""
    credentials = (
        sealer_for(settings).open_mapping(record.credentials) if record.credentials else {}
    )
    return Outlet(
        outlet_id=record.outlet_id,
        name=record.name,
        kind=record.kind,
        address=record.address,
        settings=dict(record.settings),
        credentials=credentials,
    )


async def _address_problems(url: str, settings: PublishSettings) -> list[str]:
    problems = address_problems(url, settings.outlet_allow_private_hosts)
    if not problems and not settings.outlet_allow_private_hosts:
        internal = await internal_address_of(url)
        if internal is not None:
            problems.append(ADDRESS_INTERNAL.format(address=internal))
    return problems


async def save_outlet(
    session: AsyncSession,
    settings: PublishSettings,
    fields: OutletFields,
    who: Principal,
    now: datetime,
    outlet_id: str | None = None,
) -> OutletRecord:
    """Create (no ``outlet_id``) or change an outlet; ApiError(422) listing every problem, and
    nothing stored, when it cannot be used. Plans the jobs its change calls for."""
    record = await get_outlet(session, outlet_id) if outlet_id else None
    contest_id = fields.contest_id if record is None else record.contest_id
    name = (fields.name if fields.name is not None else record.name if record else "").strip()
    kind = fields.kind if record is None else record.kind
    address = (
        fields.address if fields.address is not None else record.address if record else ""
    ).strip()
    options = fields.settings if fields.settings is not None else record.settings if record else {}
    categories = normalise_categories(
        fields.categories if fields.categories is not None else record.categories if record else []
    )
    problems: list[str] = []
    if not contest_id:
        problems.append("Cần chọn cuộc thi / choose a contest")
    problems += name_problems(name)
    adapter = adapter_for(kind or "")
    if adapter is None:
        raise ApiError(422, INVALID, [UNKNOWN_KIND])
    if adapter.address_is_url:
        problems += await _address_problems(address, settings)
    for url in url_settings(options):
        problems += await _address_problems(url, settings)
    problems += category_problems(categories)

    given = credentials_given(fields.credentials)
    allowed = set(adapter.secret_fields) | {EXPIRES_FIELD}
    given = {k: v.strip() for k, v in given.items() if k in allowed}
    expires_in = DEFAULT_EXPIRES_IN
    if EXPIRES_FIELD in given:
        try:
            expires_in = int(given.pop(EXPIRES_FIELD))
            if expires_in < 60:
                raise ValueError(expires_in)
        except ValueError:
            problems.append(BAD_EXPIRY)
    new_tokens = {k: given.pop(k) for k in TOKEN_FIELDS if k in given}
    if new_tokens and len(new_tokens) != len(TOKEN_FIELDS):
        problems.append(BOTH_TOKENS)

    sealer: Sealer | None = None
    stored: dict[str, str] = {}
    try:
        if given or new_tokens or (record is not None and record.credentials):
            sealer = sealer_for(settings)
        if record is not None and record.credentials and sealer is not None:
            stored = sealer.open_mapping(record.credentials)
    except CredentialsUnavailable as error:
        problems.append(str(error))  # and go on: every problem is told at once
    credentials = {**stored, **given}
    has_tokens = bool(new_tokens)
    if not has_tokens and record is not None and sealer is not None:
        has_tokens = await read_tokens(session, token_store(record.outlet_id, sealer)) is not None
    # The kind's check sees which credentials exist (the tokens' values stay where they are).
    seen = {**credentials, **({k: "set" for k in TOKEN_FIELDS} if has_tokens else {})}
    problems += adapter.check(address, options, seen)
    if problems:
        raise ApiError(422, INVALID, problems)

    if record is None:
        record = OutletRecord(
            outlet_id=uuid.uuid4().hex,
            contest_id=contest_id,
            kind=kind,
            created_by=who.account_id,
            created_at=now,
        )
        session.add(record)
    before = (list(record.categories or []), record.publish_from, record.active)
    record.name = name
    record.address = address
    record.settings = dict(options)
    record.credentials = sealer.seal_mapping(credentials) if sealer else ""
    record.credential_names = sorted({*credentials, *(TOKEN_FIELDS if has_tokens else ())})
    record.categories = categories
    if fields.clear_publish_from:
        record.publish_from = None
    elif fields.publish_from is not None:
        record.publish_from = fields.publish_from
    if fields.active is not None:
        record.active = fields.active
    elif record.active is None:
        record.active = True
    record.updated_by = who.account_id
    record.updated_at = now
    await session.flush()
    if new_tokens and sealer is not None:
        await set_tokens(
            session,
            token_store(record.outlet_id, sealer),
            new_tokens["access_token"],
            new_tokens["refresh_token"],
            now + timedelta(seconds=expires_in),
            now,
        )
    if before != (record.categories, record.publish_from, record.active) and record.active:
        from ..jobs.service import plan_for_outlet  # jobs build on outlets, not the reverse

        await plan_for_outlet(session, record, now)
    return record


async def deactivate_outlet(
    session: AsyncSession, outlet_id: str, who: Principal, now: datetime
) -> OutletRecord:
    """Stop an outlet: its waiting jobs wait (they go on if it is switched on again)."""
    record = await get_outlet(session, outlet_id)
    record.active = False
    record.updated_by = who.account_id
    record.updated_at = now
    return record
