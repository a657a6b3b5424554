"""The Zalo API: the operator sets the account's tokens, operators and organizers map our
templates to ZNS templates, and Zalo reports deliveries (signed, no sign-in)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from shared.contracts.base import utc_now
from shared.errors import ApiError
from shared.logs import get_logger
from shared.web import Runtime

from ..deps import Operator, Staff, notify_settings
from ..domain.zns import (
    DEFAULT_MAX_LENGTH,
    ZnsMapping,
    ZnsMappingError,
    ZnsParam,
    signature_matches,
)
from . import service
from .tokens import set_tokens

log = get_logger("lantoa.notify.zalo")

router = APIRouter(prefix="/api/zalo", tags=["zalo"])

INVALID_MAPPING = "Ánh xạ mẫu ZNS không hợp lệ / the ZNS template mapping is invalid"
NO_MAPPING = "Không có ánh xạ ZNS cho mẫu này / no ZNS mapping for this template"
BAD_SIGNATURE = "Chữ ký sự kiện Zalo không đúng / the Zalo event signature is wrong"
NOT_JSON = "Nội dung sự kiện không phải JSON / the event body is not JSON"
RECEIVED = "user_received_message"


class TokensIn(BaseModel):
    access_token: str = Field(min_length=1, max_length=4000)
    refresh_token: str = Field(min_length=1, max_length=4000)
    # Zalo's access tokens live 25 hours; Zalo's answer gives expires_in in seconds.
    expires_in: int = Field(default=90000, ge=60, le=90 * 86400)


class StatusOut(BaseModel):
    configured: bool
    app_id_set: bool
    tokens_set: bool
    access_expires_at: datetime | None
    tokens_updated_at: datetime | None
    quota_day: str
    daily_quota: int
    used_today: int
    remaining_today: int | None


class ParamBody(BaseModel):
    name: str = Field(max_length=64)
    source: str = Field(max_length=200)
    max_length: int = DEFAULT_MAX_LENGTH
    required: bool = True
    kind: str = "string"


class MappingIn(BaseModel):
    zns_template_id: str = Field(max_length=32)
    tag: str = Field(max_length=16)
    params: list[ParamBody] = Field(max_length=50)


class MappingOut(MappingIn):
    template: str
    updated_at: datetime | None = None


def _out(mapping: ZnsMapping, updated_at: datetime | None = None) -> MappingOut:
    return MappingOut(
        template=mapping.template,
        zns_template_id=mapping.zns_template_id,
        tag=mapping.tag,
        params=[ParamBody(**vars(p)) for p in mapping.params],
        updated_at=updated_at,
    )


async def _status(runtime: Runtime) -> StatusOut:
    async with runtime.db.reading() as session:
        status = await service.zalo_status(session, notify_settings(runtime), utc_now())
    return StatusOut(**vars(status))


@router.put("/tokens", response_model=StatusOut, summary="Set the official account's tokens")
async def put_tokens(body: TokensIn, runtime: Runtime, who: Operator) -> StatusOut:
    now = utc_now()
    async with runtime.db.transaction() as session:
        await set_tokens(
            session,
            body.access_token,
            body.refresh_token,
            now + timedelta(seconds=body.expires_in),
            now,
        )
    log.info("zalo tokens set", by=who.account_id)
    return await _status(runtime)


@router.get("/status", response_model=StatusOut, summary="Set up? Token expiry, today's quota")
async def get_status(runtime: Runtime, _: Operator) -> StatusOut:
    return await _status(runtime)


@router.get("/templates", response_model=list[MappingOut])
async def get_templates(runtime: Runtime, _: Staff) -> list[MappingOut]:
    async with runtime.db.reading() as session:
        return [_out(m, at) for m, at in await service.list_mappings(session)]


@router.put("/templates/{template}", response_model=MappingOut)
async def put_template(template: str, body: MappingIn, runtime: Runtime, who: Staff) -> MappingOut:
    mapping = ZnsMapping(
        template=template,
        zns_template_id=body.zns_template_id.strip(),
        tag=body.tag,  # type: ignore[arg-type]  # checked by check_mapping
        params=tuple(ZnsParam(**p.model_dump()) for p in body.params),
    )
    now = utc_now()
    try:
        async with runtime.db.transaction() as session:
            await service.save_mapping(session, mapping, now)
    except ZnsMappingError as error:
        raise ApiError(422, INVALID_MAPPING, error.problems) from error
    log.info("zns mapping saved", template=template, by=who.account_id)
    return _out(mapping, now)


@router.delete("/templates/{template}", status_code=204)
async def delete_template(template: str, runtime: Runtime, who: Staff) -> Response:
    async with runtime.db.transaction() as session:
        deleted = await service.delete_mapping(session, template)
    if not deleted:
        raise HTTPException(404, NO_MAPPING)
    log.info("zns mapping deleted", template=template, by=who.account_id)
    return Response(status_code=204)


@router.post("/events", summary="Zalo's delivery receipts (signed by Zalo, no sign-in)")
async def zalo_event(request: Request, runtime: Runtime) -> dict[str, str]:
    raw = await request.body()
    try:
        event: Any = json.loads(raw)
    except ValueError as error:
        raise HTTPException(400, NOT_JSON) from error
    if not isinstance(event, dict):
        raise HTTPException(400, NOT_JSON)
    settings = notify_settings(runtime)
    secret = settings.zalo_oa_secret_key
    header = request.headers.get("x-zevent-signature", "")
    if (
        secret is None
        or not settings.zalo_app_id
        or not signature_matches(
            header,
            settings.zalo_app_id,
            raw,
            str(event.get("timestamp", "")),
            secret.get_secret_value(),
        )
    ):
        raise HTTPException(403, BAD_SIGNATURE)
    if event.get("event_name") != RECEIVED:
        return {"status": "ignored"}
    message = event.get("message")
    if not isinstance(message, dict):
        message = {}
    msg_id = str(message.get("msg_id", ""))
    at = _delivery_time(message.get("delivery_time")) or utc_now()
    async with runtime.db.transaction() as session:
        found = await service.record_receipt(session, msg_id, at)
    log.info("zalo receipt", msg_id=msg_id, known=found)
    return {"status": "delivered" if found else "unknown"}


def _delivery_time(value: Any) -> datetime | None:
    """Zalo's delivery_time is epoch milliseconds, as a string or a number."""
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
