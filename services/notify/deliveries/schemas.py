"""What the delivery log API answers. Lists never carry message bodies or channel payloads;
a delivery's detail has its bodies, and its channel payload only for operators."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class DeliverySummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    delivery_id: str
    source_event_id: str
    event_type: str
    contest_id: str | None
    channel: str
    recipient: str
    recipient_name: str
    template: str
    language: str
    subject: str
    status: str
    attempts: int
    last_error: str | None
    provider_id: str | None
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None
    settled_at: datetime | None


class DeliveryPage(BaseModel):
    items: list[DeliverySummary]
    total: int
    page: int
    page_size: int


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempt_id: int
    at: datetime
    outcome: str
    detail: str
    actor: str


class DeliveryDetail(DeliverySummary):
    message_id: str
    essential: bool
    body_text: str
    body_html: str
    # The channel's own request (ZNS data, the webhook's JSON body): operators only.
    payload: str | None
    attempt_log: list[AttemptOut]
