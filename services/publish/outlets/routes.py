"""Organizers' outlets API: create, list, change, switch off. Credentials go in, never out:
answers say which are set."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from shared.contracts.base import utc_now
from shared.logs import get_logger
from shared.web import Runtime

from ..deps import Organizer, publish_settings
from . import service
from .registry import adapters

log = get_logger("lantoa.publish.outlets")

router = APIRouter(prefix="/api/outlets", tags=["outlets"])


class OutletIn(BaseModel):
    contest_id: str = Field(min_length=1, max_length=64)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    address: str = Field(max_length=2000)
    settings: dict[str, Any] = Field(default_factory=dict)
    credentials: dict[str, str] = Field(default_factory=dict)
    categories: list[str] = Field(default_factory=list, max_length=50)
    publish_from: datetime | None = None
    active: bool = True


class OutletPatch(BaseModel):
    name: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=2000)
    settings: dict[str, Any] | None = None
    credentials: dict[str, str] = Field(default_factory=dict)
    categories: list[str] | None = Field(default=None, max_length=50)
    publish_from: datetime | None = None
    clear_publish_from: bool = False
    active: bool | None = None


class OutletOut(BaseModel):
    outlet_id: str
    contest_id: str
    name: str
    kind: str
    label: str
    address: str
    settings: dict[str, Any]
    credentials_set: list[str]
    categories: list[str]
    publish_from: datetime | None
    active: bool
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class KindOut(BaseModel):
    kind: str
    label: str
    secret_fields: list[str]


def _out(record: Any) -> OutletOut:
    return OutletOut(**vars(service.view(record)))


@router.get("/kinds", response_model=list[KindOut], summary="The kinds of outlet there are")
async def kinds(_: Organizer) -> list[KindOut]:
    return [
        KindOut(kind=a.kind, label=a.label, secret_fields=list(a.secret_fields))
        for a in adapters().values()
    ]


@router.get("", response_model=list[OutletOut], summary="Outlets, of one contest or all")
async def list_outlets(runtime: Runtime, _: Organizer, contest_id: str = "") -> list[OutletOut]:
    async with runtime.db.reading() as session:
        return [_out(r) for r in await service.list_outlets(session, contest_id or None)]


@router.get("/{outlet_id}", response_model=OutletOut)
async def get_outlet(outlet_id: str, runtime: Runtime, _: Organizer) -> OutletOut:
    async with runtime.db.reading() as session:
        return _out(await service.get_outlet(session, outlet_id))


@router.post("", response_model=OutletOut, status_code=201, summary="Add an outlet")
async def create_outlet(body: OutletIn, runtime: Runtime, who: Organizer) -> OutletOut:
    fields = service.OutletFields(**body.model_dump())
    async with runtime.db.transaction() as session:
        record = await service.save_outlet(
            session, publish_settings(runtime), fields, who, utc_now()
        )
        out = _out(record)
    log.info("outlet added", outlet_id=out.outlet_id, kind=out.kind, by=who.account_id)
    return out


@router.patch("/{outlet_id}", response_model=OutletOut, summary="Change an outlet")
async def update_outlet(
    outlet_id: str, body: OutletPatch, runtime: Runtime, who: Organizer
) -> OutletOut:
    fields = service.OutletFields(**body.model_dump())
    async with runtime.db.transaction() as session:
        record = await service.save_outlet(
            session, publish_settings(runtime), fields, who, utc_now(), outlet_id=outlet_id
        )
        out = _out(record)
    log.info("outlet changed", outlet_id=outlet_id, by=who.account_id)
    return out


@router.delete("/{outlet_id}", response_model=OutletOut, summary="Switch an outlet off")
async def deactivate_outlet(outlet_id: str, runtime: Runtime, who: Organizer) -> OutletOut:
    async with runtime.db.transaction() as session:
        out = _out(await service.deactivate_outlet(session, outlet_id, who, utc_now()))
    log.info("outlet switched off", outlet_id=outlet_id, by=who.account_id)
    return out
