"""Events emitted by the notify service."""

from __future__ import annotations

from pydantic import Field

from .base import Event, Payload


class DeliveryPayload(Payload):
    delivery_id: str
    channel: str = Field(pattern=r"^(email|zalo|webhook)$")
    template: str
    source_event_id: str
    attempts: int = Field(ge=1)
    reason: str | None = None


class NotificationSent(Event[DeliveryPayload]):
    SUBJECT = "lantoa.notify.notification_sent.v1"


class NotificationFailed(Event[DeliveryPayload]):
    SUBJECT = "lantoa.notify.notification_failed.v1"
