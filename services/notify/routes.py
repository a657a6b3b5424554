"""Operator API: search deliveries by recipient, event or status."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from shared.auth import Principal, Role
from shared.web import Runtime, require_roles

from .models import Delivery

router = APIRouter(prefix="/api", tags=["deliveries"])

Operator = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.ORGANIZER))]


class DeliveryOut(BaseModel):
    delivery_id: str
    source_event_id: str
    channel: str
    recipient: str
    template: str
    language: str
    subject: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


@router.get("/deliveries", response_model=list[DeliveryOut])
async def search_deliveries(
    runtime: Runtime,
    _: Operator,
    recipient: str | None = None,
    event_id: str | None = None,
    status: Annotated[str | None, Query(pattern="^(queued|sending|sent|failed|bounced)$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryOut]:
    query = sa.select(Delivery).order_by(Delivery.created_at.desc()).limit(limit)
    if recipient:
        query = query.where(Delivery.recipient == recipient.strip().lower())
    if event_id:
        query = query.where(Delivery.source_event_id == event_id)
    if status:
        query = query.where(Delivery.status == status)
    async with runtime.db.reading() as session:
        rows = await session.scalars(query)
        return [DeliveryOut.model_validate(r, from_attributes=True) for r in rows]
