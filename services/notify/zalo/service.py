"""Use cases of the Zalo account: template mappings, status, and Zalo's delivery receipts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.templates import template_names
from ..domain.zns import ZnsMapping, check_mapping, mapping_from_json, params_to_json, quota_day
from ..models import Delivery, DeliveryAttempt, ZaloToken, ZnsQuotaDay, ZnsTemplate
from ..settings import NotifySettings
from .tokens import ACCOUNT


async def zns_mapping_for(session: AsyncSession, template: str) -> ZnsMapping | None:
    """The ZNS template our ``template`` is sent as, if the organizer mapped one."""
    row = await session.get(ZnsTemplate, template)
    return None if row is None else _mapping(row)


async def list_mappings(session: AsyncSession) -> list[tuple[ZnsMapping, datetime]]:
    rows = await session.scalars(sa.select(ZnsTemplate).order_by(ZnsTemplate.template))
    return [(_mapping(row), row.updated_at) for row in rows]


async def save_mapping(session: AsyncSession, mapping: ZnsMapping, now: datetime) -> None:
    """Create or replace a mapping; ZnsMappingError when it is not usable."""
    check_mapping(mapping, template_names())
    row = await session.get(ZnsTemplate, mapping.template)
    if row is None:
        row = ZnsTemplate(template=mapping.template)
        session.add(row)
    row.zns_template_id = mapping.zns_template_id
    row.tag = mapping.tag
    row.params = params_to_json(mapping.params)
    row.updated_at = now


async def delete_mapping(session: AsyncSession, template: str) -> bool:
    row = await session.get(ZnsTemplate, template)
    if row is None:
        return False
    await session.delete(row)
    return True


def _mapping(row: ZnsTemplate) -> ZnsMapping:
    return mapping_from_json(row.template, row.zns_template_id, row.tag, row.params)


@dataclass(frozen=True)
class ZaloStatus:
    """What an operator may see of the account: never a token."""

    configured: bool
    app_id_set: bool
    tokens_set: bool
    access_expires_at: datetime | None
    tokens_updated_at: datetime | None
    quota_day: str
    daily_quota: int
    used_today: int
    remaining_today: int | None  # what Zalo last said


async def zalo_status(session: AsyncSession, settings: NotifySettings, now: datetime) -> ZaloStatus:
    tokens = await session.get(ZaloToken, ACCOUNT)
    day = quota_day(now)
    quota = await session.get(ZnsQuotaDay, day)
    app_id_set = bool(settings.zalo_app_id) and settings.zalo_secret_key is not None
    return ZaloStatus(
        configured=app_id_set and tokens is not None,
        app_id_set=app_id_set,
        tokens_set=tokens is not None,
        access_expires_at=tokens.access_expires_at if tokens else None,
        tokens_updated_at=tokens.updated_at if tokens else None,
        quota_day=day.isoformat(),
        daily_quota=settings.zalo_daily_quota,
        used_today=quota.used if quota else 0,
        remaining_today=quota.remaining if quota else None,
    )


async def record_receipt(
    session: AsyncSession, msg_id: str, at: datetime, detail: str = ""
) -> bool:
    """Zalo says the person received the message ``msg_id``: the delivery is delivered.
    False when no ZNS delivery has that id (nothing changes); a repeated receipt changes
    nothing either."""
    if not msg_id:
        return False
    delivery = await session.scalar(
        sa.select(Delivery)
        .where(Delivery.provider_id == msg_id, Delivery.channel == "zalo")
        .with_for_update()
    )
    if delivery is None:
        return False
    if delivery.status == "delivered":
        return True
    delivery.status = "delivered"
    delivery.settled_at = at
    delivery.last_error = None
    session.add(
        DeliveryAttempt(
            delivery_id=delivery.delivery_id,
            at=at,
            outcome="delivered",
            detail=detail or "Zalo: người nhận đã nhận tin / the recipient received it",
        )
    )
    return True
