"""Webhooks API. Organizers register, deactivate, re-key and ping webhooks; operators may list
them. A secret is shown once, when it is made, and never listed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from shared.web import Runtime

from ..deps import Organizer, Staff, notify_settings
from ..domain.webhooks import TOPICS, topics_of
from ..models import Webhook
from .service import (
    create_webhook,
    deactivate_webhook,
    list_webhooks,
    queue_ping,
    rotate_secret,
)

router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])


class WebhookIn(BaseModel):
    url: str = Field(min_length=1, max_length=4000)
    contest_id: str | None = Field(default=None, max_length=64)
    topics: list[str] = Field(
        default_factory=list, max_length=len(TOPICS), description=f"Any of {', '.join(TOPICS)}"
    )
    description: str = Field(default="", max_length=500)


class WebhookOut(BaseModel):
    webhook_id: str
    contest_id: str | None
    url: str
    topics: list[str]  # empty: every topic
    description: str
    active: bool
    created_by: str
    created_at: datetime


class WebhookWithSecret(WebhookOut):
    secret: str


class SecretOut(BaseModel):
    webhook_id: str
    secret: str


class PingOut(BaseModel):
    delivery_id: str
    webhook_id: str
    status: str


def webhook_out(webhook: Webhook) -> WebhookOut:
    return WebhookOut(
        webhook_id=webhook.webhook_id,
        contest_id=webhook.contest_id,
        url=webhook.url,
        topics=list(topics_of(webhook.topics)),
        description=webhook.description,
        active=webhook.active,
        created_by=webhook.created_by,
        created_at=webhook.created_at,
    )


@router.post("", status_code=201, response_model=WebhookWithSecret)
async def register_webhook(
    body: WebhookIn, runtime: Runtime, organizer: Organizer
) -> WebhookWithSecret:
    async with runtime.db.transaction() as session:
        webhook = await create_webhook(
            session,
            url=body.url,
            contest_id=body.contest_id,
            topics=body.topics,
            description=body.description,
            created_by=organizer.account_id,
            allow_private_hosts=notify_settings(runtime).webhook_allow_private_hosts,
        )
        return WebhookWithSecret(**webhook_out(webhook).model_dump(), secret=webhook.secret)


@router.get("", response_model=list[WebhookOut])
async def get_webhooks(
    runtime: Runtime,
    _: Staff,  # operators may look, not change
    contest_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[WebhookOut]:
    async with runtime.db.reading() as session:
        return [webhook_out(w) for w in await list_webhooks(session, contest_id)]


@router.delete("/{webhook_id}", response_model=WebhookOut)
async def delete_webhook(webhook_id: str, runtime: Runtime, _: Organizer) -> WebhookOut:
    async with runtime.db.transaction() as session:
        return webhook_out(await deactivate_webhook(session, webhook_id))


@router.post("/{webhook_id}/secret", response_model=SecretOut)
async def new_webhook_secret(webhook_id: str, runtime: Runtime, _: Organizer) -> SecretOut:
    async with runtime.db.transaction() as session:
        webhook = await rotate_secret(session, webhook_id)
        return SecretOut(webhook_id=webhook.webhook_id, secret=webhook.secret)


@router.post("/{webhook_id}/ping", status_code=202, response_model=PingOut)
async def ping_webhook(webhook_id: str, runtime: Runtime, organizer: Organizer) -> PingOut:
    async with runtime.db.transaction() as session:
        delivery = await queue_ping(session, webhook_id, requested_by=organizer.account_id)
        return PingOut(
            delivery_id=delivery.delivery_id, webhook_id=webhook_id, status=delivery.status
        )
