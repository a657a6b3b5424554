"""From a message to its deliveries: one per channel the person can be reached on, each unique
per (event, recipient, channel). A message that cannot be made — a bad address or phone, a
missing template value, a line break smuggled into a subject, an unknown contest — is recorded as
a failed delivery with its reason, and holds nothing else up."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from jinja2 import TemplateError, UndefinedError
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import new_event_id, utc_now
from shared.db import notify_commit

from .domain.messages import Message
from .domain.phones import InvalidPhone, normalize_vn_phone
from .domain.preferences import is_essential
from .domain.templates import render
from .domain.zns import ZnsParamError, template_data
from .models import DELIVERIES, DELIVERY_ATTEMPTS, Contest, Delivery, DeliveryAttempt
from .preferences.service import disabled_channels, unsubscribe_url
from .projection import lock_contest
from .settings import NotifySettings
from .zalo.service import zns_mapping_for

UNKNOWN_CONTEST = "Cuộc thi chưa được công bố tới dịch vụ thông báo / unknown contest"


@dataclass(frozen=True)
class Source:
    """The event (or the organizer's announcement) a delivery answers."""

    event_id: str
    event_type: str
    contest_id: str | None
    occurred_at: datetime = field(default_factory=utc_now)


def new_delivery(source: Source, channel: str, recipient: str, message: Message) -> Delivery:
    delivery_id = new_event_id()
    now = utc_now()
    return Delivery(
        delivery_id=delivery_id,
        source_event_id=source.event_id,
        event_type=source.event_type,
        contest_id=source.contest_id,
        channel=channel,
        recipient=recipient,
        recipient_name=message.name[:200],
        template=message.template,
        language=message.language,
        essential=is_essential(message.template),
        subject="",
        body_text="",
        body_html="",
        payload="",
        message_id=delivery_id,
        status="queued",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


def refuse(delivery: Delivery, reason: str) -> Delivery:
    delivery.status = "failed"
    delivery.last_error = reason
    delivery.settled_at = utc_now()
    return delivery


def email_address(raw: str) -> str:
    """The address as we send to it; ValueError with the reason when it is not one."""
    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(
            f"Địa chỉ e-mail không hợp lệ / invalid e-mail address: {error}"
        ) from error
    return checked.normalized.lower()


def render_failure(error: Exception) -> str:
    if isinstance(error, UndefinedError):
        return f"Mẫu thư thiếu giá trị / a template value is missing: {error.message}"
    if isinstance(error, ValueError) and "one line" in str(error):
        return (
            "Tiêu đề chứa ký tự xuống dòng (có thể là chèn tiêu đề thư) / "
            "the subject contains a line break (header injection refused)"
        )
    return f"Không dựng được thư / the message could not be made: {error}"


class Planner:
    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings

    async def contest_known(self, session: AsyncSession, contest_id: str | None) -> bool:
        if contest_id is None or await session.get(Contest, contest_id) is not None:
            return True
        # Not yet: wait for a ContestPublished being handled right now, then look again.
        await lock_contest(session, contest_id)
        found = await session.scalar(
            sa.select(Contest.contest_id)
            .where(Contest.contest_id == contest_id)
            .execution_options(populate_existing=True)
        )
        return found is not None

    async def plan(
        self,
        session: AsyncSession,
        source: Source,
        message: Message,
        *,
        channels: tuple[str, ...] = ("email", "zalo"),
    ) -> list[Delivery]:
        known = await self.contest_known(session, source.contest_id)
        planned: list[Delivery] = []
        if "email" in channels:
            planned.append(await self._email(session, source, message))
        if "zalo" in channels and message.phone and self.settings.zalo_app_id:
            zalo = await self._zalo(session, source, message)
            if zalo is not None:
                planned.append(zalo)
        for delivery in planned:
            if not known and delivery.status == "queued":
                refuse(delivery, UNKNOWN_CONTEST)
            await enqueue(session, delivery)
        return planned

    async def _email(self, session: AsyncSession, source: Source, message: Message) -> Delivery:
        try:
            recipient = email_address(message.recipient)
        except ValueError as error:
            return refuse(
                new_delivery(source, "email", message.recipient[:320], message), str(error)
            )
        delivery = new_delivery(source, "email", recipient, message)
        delivery.message_id = f"<{delivery.delivery_id}@{self.settings.bounce_domain}>"
        context: dict[str, Any] = dict(message.context)
        extra: dict[str, str] = {}
        if not delivery.essential:
            if "email" in await disabled_channels(session, recipient):
                delivery.status = "skipped"
                delivery.last_error = "Người nhận đã tắt thư loại này / the recipient opted out"
                delivery.settled_at = utc_now()
                return delivery
            link = await unsubscribe_url(session, self.settings.public_url, recipient, "email")
            context["unsubscribe_url"] = extra["list_unsubscribe"] = link
        try:
            rendered = render(message.template, message.language, context)
        except (TemplateError, ValueError) as error:
            return refuse(delivery, render_failure(error))
        delivery.subject = rendered.subject
        delivery.body_text = rendered.text
        delivery.body_html = rendered.html
        delivery.language = rendered.language
        delivery.payload = json.dumps(extra) if extra else ""
        return delivery

    async def _zalo(
        self, session: AsyncSession, source: Source, message: Message
    ) -> Delivery | None:
        mapping = await zns_mapping_for(session, message.template)
        if mapping is None:
            return None  # no approved ZNS template for this message: e-mail only
        try:
            phone = normalize_vn_phone(message.phone)
        except InvalidPhone as error:
            return refuse(new_delivery(source, "zalo", message.phone[:32], message), str(error))
        delivery = new_delivery(source, "zalo", phone, message)
        if not delivery.essential and "zalo" in await disabled_channels(session, phone):
            delivery.status = "skipped"
            delivery.last_error = "Người nhận đã tắt Zalo / the recipient opted out of Zalo"
            delivery.settled_at = utc_now()
            return delivery
        try:
            data = template_data(mapping, message.context)
        except ZnsParamError as error:
            return refuse(delivery, str(error))
        delivery.subject = f"ZNS {mapping.zns_template_id} · {message.template}"
        delivery.body_text = "\n".join(f"{k}: {v}" for k, v in data.items())
        delivery.payload = json.dumps(
            {"template_id": mapping.zns_template_id, "template_data": data, "tag": mapping.tag},
            ensure_ascii=False,
        )
        return delivery


DELIVERY_COLUMNS = tuple(column.key for column in DELIVERIES.columns)
# INSERT … ON CONFLICT DO NOTHING on the (event, recipient, channel) key, built once per dialect.
INSERT_NEW = {
    name: insert(DELIVERIES).on_conflict_do_nothing(
        index_elements=["source_event_id", "recipient", "channel"]
    )
    for name, insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))
}


async def enqueue(session: AsyncSession, delivery: Delivery) -> bool:
    """Add the delivery unless this (event, recipient, channel) already has one: the unique
    key decides, in one statement, so a redelivered event adds nothing."""
    values = {name: getattr(delivery, name) for name in DELIVERY_COLUMNS}
    values["essential"] = bool(values["essential"])
    connection = await session.connection()
    result = await connection.execute(INSERT_NEW[connection.dialect.name], values)
    if not result.rowcount:
        return False
    if delivery.status in ("failed", "skipped"):
        outcome = "permanent" if delivery.status == "failed" else "skipped"
        await connection.execute(
            sa.insert(DELIVERY_ATTEMPTS),
            {
                "delivery_id": delivery.delivery_id,
                "at": utc_now(),
                "outcome": outcome,
                "detail": delivery.last_error or "",
                "actor": "",
            },
        )
    notify_commit(session)  # wakes the dispatcher
    return True


async def requeue_unknown_contest(session: AsyncSession, contest_id: str) -> int:
    """Deliveries refused only because the contest was not known yet: send them now."""
    rows = list(
        await session.scalars(
            sa.select(Delivery).where(
                Delivery.contest_id == contest_id,
                Delivery.status == "failed",
                Delivery.last_error == UNKNOWN_CONTEST,
            )
        )
    )
    for row in rows:
        row.status = "queued"
        row.last_error = None
        row.settled_at = None
        row.next_attempt_at = utc_now()
        session.add(
            DeliveryAttempt(
                delivery_id=row.delivery_id,
                at=utc_now(),
                outcome="resend",
                detail="Cuộc thi đã được công bố / the contest is now known",
            )
        )
    if rows:
        notify_commit(session)
    return len(rows)
