"""Bounce reports over HTTP, for an MTA that pipes them to a script instead of relaying them to
the SMTP listener. Operators only: the token is the pipe's credential."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from shared.errors import ApiError
from shared.web import Runtime

from ..deps import Operator
from ..domain.dsn import parse_report
from ..settings import NotifySettings
from .service import record_report

router = APIRouter(prefix="/api", tags=["bounces"])

MAX_BODY_BYTES = 2 << 20
CONTENT_TYPE = "message/rfc822"
TOO_LARGE = "Báo cáo quá lớn (tối đa 2 MiB) / report too large (2 MiB at most)"
WRONG_TYPE = (
    "Nội dung phải là một thư nguyên bản (message/rfc822) "
    "/ the body must be the raw message (message/rfc822)"
)


class BounceOut(BaseModel):
    delivery_id: str | None
    # bounced | delayed | delivered | unchanged | ignored | unknown | unrecognised
    outcome: str


@router.post(
    "/bounces",
    response_model=BounceOut,
    summary="Ghi nhận một báo cáo thư bị trả lại / record a bounce report (RFC 3464)",
)
async def receive_bounce(
    request: Request,
    runtime: Runtime,
    who: Operator,
    rcpt: Annotated[
        str | None,
        Query(max_length=320, description="Người nhận phong bì / envelope recipient (VERP)"),
    ] = None,
) -> BounceOut:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != CONTENT_TYPE:
        raise ApiError(415, WRONG_TYPE)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ApiError(413, TOO_LARGE)
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY_BYTES:  # stop reading: the sender may not say how much
            raise ApiError(413, TOO_LARGE)
    settings: NotifySettings = runtime.settings  # type: ignore[assignment]
    # Parsing hostile input may take a moment: off the event loop.
    report = await asyncio.to_thread(parse_report, bytes(body), settings.bounce_domain, rcpt)
    if report is None:
        return BounceOut(delivery_id=None, outcome="unrecognised")
    async with runtime.db.transaction() as session:
        outcome = await record_report(
            session, report, source=f"api:{who.account_id}", outbox=runtime.outbox
        )
    return BounceOut(delivery_id=report.delivery_id, outcome=outcome)
