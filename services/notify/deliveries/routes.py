"""The delivery log API, for operators and organizers: search, detail, resend."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from shared.auth import Principal, Role
from shared.web import Runtime

from ..deps import Staff
from ..models import Delivery, DeliveryAttempt
from .schemas import AttemptOut, DeliveryDetail, DeliveryPage, DeliverySummary
from .service import (
    MAX_PAGE_SIZE,
    DeliveryFilters,
    attempts_of,
    delivery_or_404,
    resend,
    search_deliveries,
)

router = APIRouter(prefix="/api/deliveries", tags=["deliveries"])

Status = Literal["queued", "sending", "sent", "delivered", "failed", "bounced", "skipped"]
Channel = Literal["email", "zalo", "webhook"]


def detail_of(
    delivery: Delivery, attempts: list[DeliveryAttempt], who: Principal
) -> DeliveryDetail:
    summary = DeliverySummary.model_validate(delivery).model_dump()
    return DeliveryDetail(
        **summary,
        message_id=delivery.message_id,
        essential=delivery.essential,
        body_text=delivery.body_text,
        body_html=delivery.body_html,
        payload=delivery.payload if who.has_any(Role.OPERATOR) else None,
        attempt_log=[AttemptOut.model_validate(a) for a in attempts],
    )


@router.get("", response_model=DeliveryPage, summary="Search the delivery log, newest first")
async def search(
    runtime: Runtime,
    _: Staff,
    recipient: Annotated[
        str | None, Query(max_length=320, description="e-mail (any case) or phone (any writing)")
    ] = None,
    event_id: Annotated[str | None, Query(max_length=64)] = None,
    status: Status | None = None,
    channel: Channel | None = None,
    template: Annotated[str | None, Query(max_length=64)] = None,
    contest_id: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
) -> DeliveryPage:
    filters = DeliveryFilters(recipient, event_id, status, channel, template, contest_id)
    async with runtime.db.reading() as session:
        found = await search_deliveries(session, filters, page, page_size)
        items = [DeliverySummary.model_validate(d) for d in found.items]
    return DeliveryPage(items=items, total=found.total, page=found.page, page_size=found.page_size)


@router.get("/{delivery_id}", response_model=DeliveryDetail, summary="One delivery and its log")
async def detail(delivery_id: str, runtime: Runtime, who: Staff) -> DeliveryDetail:
    async with runtime.db.reading() as session:
        delivery = await delivery_or_404(session, delivery_id)
        attempts = await attempts_of(session, delivery_id)
        return detail_of(delivery, attempts, who)


@router.post(
    "/{delivery_id}/resend",
    response_model=DeliveryDetail,
    summary="Queue a failed or bounced delivery again (409 for any other status)",
)
async def resend_delivery(delivery_id: str, runtime: Runtime, who: Staff) -> DeliveryDetail:
    # Answered as of the resend itself: once committed, the dispatcher may take it at once.
    async with runtime.db.transaction() as session:
        delivery = await resend(session, delivery_id, who.account_id)
        return detail_of(delivery, await attempts_of(session, delivery_id), who)
