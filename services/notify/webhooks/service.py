"""Webhooks: registering, listing, deactivating, rotating secrets, pinging, and planning one
delivery per webhook that wants an event."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import new_event_id, utc_now
from shared.db import notify_commit
from shared.errors import ApiError

from ..domain.webhooks import (
    TOPICS,
    InvalidWebhook,
    body_of,
    new_secret,
    subscribes_to,
    topics_text,
    validate_topics,
    validate_url,
)
from ..models import Delivery, Webhook
from .addresses import InternalAddress, refuse_internal

NOT_FOUND = "Không có webhook này. / No such webhook."
INACTIVE = "Webhook đã bị tắt. / The webhook is deactivated."
PING_TOPIC = "ping"


async def create_webhook(
    session: AsyncSession,
    *,
    url: str,
    contest_id: str | None,
    topics: list[str],
    description: str,
    created_by: str,
    allow_private_hosts: bool = False,
) -> Webhook:
    """A new active webhook with a fresh secret (the caller shows it once)."""
    try:
        checked_url = validate_url(url)
        checked_topics = validate_topics(topics)
        if not allow_private_hosts:
            await refuse_internal(checked_url)
    except (InvalidWebhook, InternalAddress) as error:
        raise ApiError(422, str(error)) from error
    webhook = Webhook(
        webhook_id=new_event_id(),
        contest_id=(contest_id or "").strip() or None,
        url=checked_url,
        secret=new_secret(),
        topics=topics_text(checked_topics),
        description=description.strip(),
        active=True,
        created_by=created_by,
        created_at=utc_now(),
    )
    session.add(webhook)
    await session.flush()
    return webhook


async def list_webhooks(session: AsyncSession, contest_id: str | None = None) -> list[Webhook]:
    query = sa.select(Webhook).order_by(Webhook.created_at.desc(), Webhook.webhook_id.desc())
    if contest_id:
        query = query.where(Webhook.contest_id == contest_id)
    return list(await session.scalars(query))


async def _existing(session: AsyncSession, webhook_id: str) -> Webhook:
    webhook = await session.get(Webhook, webhook_id, with_for_update=True)
    if webhook is None:
        raise ApiError(404, NOT_FOUND)
    return webhook


async def deactivate_webhook(session: AsyncSession, webhook_id: str) -> Webhook:
    """Stop sending to it. Deliveries already queued stay, and fail when their turn comes,
    so the delivery log says what became of each."""
    webhook = await _existing(session, webhook_id)
    webhook.active = False
    return webhook


async def rotate_secret(session: AsyncSession, webhook_id: str) -> Webhook:
    """A new secret; from now on every try, including retries, is signed with it."""
    webhook = await _existing(session, webhook_id)
    if not webhook.active:
        raise ApiError(409, INACTIVE)
    webhook.secret = new_secret()
    return webhook


async def queue_ping(session: AsyncSession, webhook_id: str, *, requested_by: str) -> Delivery:
    """A "ping" delivery to one webhook, for the organizer to test the receiving end."""
    webhook = await _existing(session, webhook_id)
    if not webhook.active:
        raise ApiError(409, INACTIVE)
    now = utc_now()
    delivery = _delivery_for(
        webhook,
        event_id=new_event_id(),
        event_type=PING_TOPIC,
        contest_id=webhook.contest_id,
        topic=PING_TOPIC,
        data={"webhook_id": webhook.webhook_id, "requested_by": requested_by},
        occurred_at=now,
    )
    session.add(delivery)
    notify_commit(session)  # wake the dispatcher once this commits
    return delivery


async def plan_webhooks(
    session: AsyncSession,
    *,
    event_id: str,
    event_type: str,
    contest_id: str | None,
    topic: str,
    data: dict[str, Any],
    occurred_at: datetime,
) -> list[Delivery]:
    """One new delivery (not added to the session) per active webhook of this contest, or of
    every contest, that subscribes to ``topic``."""
    if topic not in TOPICS:
        raise ValueError(f"unknown webhook topic {topic!r}")
    scope: sa.ColumnElement[bool] = Webhook.contest_id.is_(None)
    if contest_id is not None:
        scope = sa.or_(scope, Webhook.contest_id == contest_id)
    webhooks = await session.scalars(
        sa.select(Webhook).where(Webhook.active.is_(True), scope).order_by(Webhook.webhook_id)
    )
    return [
        _delivery_for(
            webhook,
            event_id=event_id,
            event_type=event_type,
            contest_id=contest_id,
            topic=topic,
            data=data,
            occurred_at=occurred_at,
        )
        for webhook in webhooks
        if subscribes_to(webhook.topics, topic)
    ]


def _delivery_for(
    webhook: Webhook,
    *,
    event_id: str,
    event_type: str,
    contest_id: str | None,
    topic: str,
    data: Mapping[str, Any],
    occurred_at: datetime,
) -> Delivery:
    delivery_id = new_event_id()
    now = utc_now()
    return Delivery(
        delivery_id=delivery_id,
        source_event_id=event_id,
        event_type=event_type,
        contest_id=contest_id,
        channel="webhook",
        recipient=webhook.webhook_id,
        recipient_name=webhook.description[:200],
        template=topic,
        language="vi",
        essential=True,
        subject=topic,
        body_text="",
        body_html="",
        payload=body_of(delivery_id, event_id, topic, contest_id, occurred_at, data).decode(),
        message_id=delivery_id,
        status="queued",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
