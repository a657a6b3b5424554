"""Use cases of the delivery log: search, one delivery with its attempts, and a resend.

Used by both the JSON API and the operator pages, so the two always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now
from shared.db import notify_commit
from shared.errors import ApiError

from ..domain.phones import InvalidPhone, normalize_vn_phone
from ..models import Delivery, DeliveryAttempt

STATUSES: Final = ("queued", "sending", "sent", "delivered", "failed", "bounced", "skipped")
CHANNELS: Final = ("email", "zalo", "webhook")
RESENDABLE: Final = frozenset({"failed", "bounced"})
MAX_PAGE_SIZE: Final = 200

NOT_FOUND = "Không tìm thấy thông báo này. / No such delivery."
NOT_RESENDABLE = (
    "Chỉ gửi lại được thông báo đã thất bại hoặc bị trả lại; thông báo này đang ở trạng thái "
    "“{vi}”. / Only a failed or bounced delivery can be resent; this one is “{en}”."
)
STATUS_WORDS: Final = {
    "queued": ("chờ gửi", "queued"),
    "sending": ("đang gửi", "being sent"),
    "sent": ("đã gửi", "sent"),
    "delivered": ("đã đến nơi", "delivered"),
    "failed": ("thất bại", "failed"),
    "bounced": ("bị trả lại", "bounced"),
    "skipped": ("bỏ qua", "skipped"),
}

# How a phone number may be written ("0912 345 678", "+84 (912) 345-678"): digits and
# separators only. Anything else is an e-mail address or a webhook id.
_PHONE_WRITING = re.compile(r"^[\d\s().\-/+]*\d[\d\s().\-/+]*$")


@dataclass(frozen=True)
class DeliveryFilters:
    recipient: str | None = None
    event_id: str | None = None
    status: str | None = None
    channel: str | None = None
    template: str | None = None
    contest_id: str | None = None

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        found: list[sa.ColumnElement[bool]] = []
        if self.recipient and self.recipient.strip():
            found.append(_recipient_condition(self.recipient.strip()))
        if self.event_id and self.event_id.strip():
            found.append(Delivery.source_event_id == self.event_id.strip())
        if self.status:
            found.append(Delivery.status == self.status)
        if self.channel:
            found.append(Delivery.channel == self.channel)
        if self.template and self.template.strip():
            found.append(Delivery.template == self.template.strip())
        if self.contest_id and self.contest_id.strip():
            found.append(Delivery.contest_id == self.contest_id.strip())
        return found


def _recipient_condition(recipient: str) -> sa.ColumnElement[bool]:
    """An e-mail address in any case, a phone number in any writing, else a webhook id."""
    if "@" in recipient:
        return sa.func.lower(Delivery.recipient) == recipient.lower()
    if _PHONE_WRITING.match(recipient):
        try:
            return Delivery.recipient == normalize_vn_phone(recipient)
        except InvalidPhone as error:
            raise ApiError(422, str(error)) from error
    return Delivery.recipient == recipient


@dataclass(frozen=True)
class DeliverySearch:
    items: list[Delivery]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


async def search_deliveries(
    session: AsyncSession, filters: DeliveryFilters, page: int = 1, page_size: int = 50
) -> DeliverySearch:
    """Deliveries matching ``filters``, newest first, one page of them and how many in all."""
    page = max(1, page)
    page_size = min(max(1, page_size), MAX_PAGE_SIZE)
    conditions = filters.conditions()
    total = await session.scalar(
        sa.select(sa.func.count()).select_from(Delivery).where(*conditions)
    )
    rows = await session.scalars(
        sa.select(Delivery)
        .where(*conditions)
        .order_by(Delivery.created_at.desc(), Delivery.delivery_id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return DeliverySearch(list(rows), int(total or 0), page, page_size)


async def delivery_or_404(session: AsyncSession, delivery_id: str) -> Delivery:
    delivery = await session.get(Delivery, delivery_id)
    if delivery is None:
        raise ApiError(404, NOT_FOUND)
    return delivery


async def attempts_of(session: AsyncSession, delivery_id: str) -> list[DeliveryAttempt]:
    """The delivery's log, oldest first."""
    rows = await session.scalars(
        sa.select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id == delivery_id)
        .order_by(DeliveryAttempt.at, DeliveryAttempt.attempt_id)
    )
    return list(rows)


async def resend(session: AsyncSession, delivery_id: str, actor: str) -> Delivery:
    """Queue a failed or bounced delivery again, now. Its attempt count and log are kept (the
    log gains a "resend" line naming who asked), and the dispatcher is woken."""
    delivery = await session.scalar(
        sa.select(Delivery).where(Delivery.delivery_id == delivery_id).with_for_update()
    )
    if delivery is None:
        raise ApiError(404, NOT_FOUND)
    if delivery.status not in RESENDABLE:
        vi, en = STATUS_WORDS.get(delivery.status, (delivery.status, delivery.status))
        raise ApiError(409, NOT_RESENDABLE.format(vi=vi, en=en))
    now = utc_now()
    # The log keeps the reason it failed, since last_error is cleared for the new try.
    previous_error = delivery.last_error or ""
    delivery.status = "queued"
    delivery.next_attempt_at = now
    delivery.claimed_until = None
    delivery.last_error = None
    session.add(
        DeliveryAttempt(
            delivery_id=delivery.delivery_id,
            at=now,
            outcome="resend",
            detail=previous_error,
            actor=actor,
        )
    )
    notify_commit(session)
    return delivery
