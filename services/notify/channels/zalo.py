"""Zalo ZNS: a template message to a phone number, in the allowed hours, within the daily
quota, with the official account's access token."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shared.contracts.base import utc_now
from shared.db import Database
from shared.logs import get_logger

from ..domain.zns import (
    TAGS,
    classify_zns_error,
    next_quota_reset,
    quota_day,
    sending_window,
)
from ..models import Delivery, ZnsQuotaDay
from ..settings import NotifySettings
from ..zalo.tokens import (
    NOT_CONFIGURED,
    TokenRefreshFailed,
    ZaloNotConfigured,
    current_access_token,
)
from .base import Deferred, Outcome, PermanentFailure, TemporaryFailure

log = get_logger("lantoa.notify.zalo")

OUTSIDE_HOURS = (
    "Ngoài giờ gửi ZNS (07:00–22:00), gửi lúc 07:00 / outside ZNS hours (07:00–22:00), "
    "sending at 07:00"
)
QUOTA_USED_UP = (
    "Đã hết hạn mức ZNS hôm nay, gửi sau nửa đêm / today's ZNS quota is used up, sending "
    "after midnight"
)


class AnswerLost(TemporaryFailure):
    """The request reached Zalo but no answer came back: it may have been sent."""


@dataclass(frozen=True)
class ZnsRequest:
    template_id: str
    template_data: dict[str, str]
    tag: str


@dataclass(frozen=True)
class ZaloAnswer:
    error: int
    message: str
    data: dict[str, Any]


class ZaloChannel:
    name = "zalo"

    def __init__(
        self,
        db: Database,
        settings: NotifySettings,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.http = httpx.AsyncClient(timeout=settings.zalo_timeout_seconds)

    async def close(self) -> None:
        await self.http.aclose()

    async def send(self, delivery: Delivery) -> Outcome:
        if not self.settings.zalo_app_id:
            raise PermanentFailure(NOT_CONFIGURED)
        request = _request_of(delivery)
        now = self.clock()
        opens = sending_window(now, request.tag)
        if opens is not None:
            raise Deferred(opens, OUTSIDE_HOURS)
        day = quota_day(now)
        if not await self._reserve(day):
            raise Deferred(next_quota_reset(now), QUOTA_USED_UP)
        counted = False
        try:
            answer = await self._send_with_token(delivery, request)
            counted = True
        except AnswerLost:
            counted = True  # Zalo may have sent it: keep it counted
            raise
        finally:
            if not counted:
                await self._release(day)  # Zalo counts only what it sent
        return Outcome("sent", provider_id=str(answer.data.get("msg_id") or "") or None)

    async def _send_with_token(self, delivery: Delivery, request: ZnsRequest) -> ZaloAnswer:
        try:
            token = await current_access_token(self.db, self.settings, self.http, self.clock)
            answer = await self._post(token, delivery, request)
            if classify_zns_error(answer.error) == "refresh_token":
                token = await current_access_token(
                    self.db, self.settings, self.http, self.clock, force=True, rejected=token
                )
                answer = await self._post(token, delivery, request)
        except ZaloNotConfigured as error:
            raise PermanentFailure(str(error)) from error
        except TokenRefreshFailed as error:
            raise TemporaryFailure(str(error)) from error
        await self._remember_remaining(answer)
        verdict = classify_zns_error(answer.error)
        reason = f"ZNS {answer.error}: {answer.message}"
        if verdict == "ok":
            return answer
        if verdict == "quota":
            await self._mark_used_up(quota_day(self.clock()))
            raise Deferred(next_quota_reset(self.clock()), f"{QUOTA_USED_UP} ({reason})")
        if verdict == "permanent":
            raise PermanentFailure(reason)
        raise TemporaryFailure(reason)  # also a token Zalo refused twice

    async def _post(self, token: str, delivery: Delivery, request: ZnsRequest) -> ZaloAnswer:
        body = {
            "phone": delivery.recipient,
            "template_id": request.template_id,
            "template_data": request.template_data,
            "tracking_id": delivery.message_id,
        }
        url = self.settings.zalo_api_url.rstrip("/") + "/message/template"
        try:
            response = await self.http.post(url, headers={"access_token": token}, json=body)
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            raise TemporaryFailure(f"Không gọi được Zalo / Zalo unreachable: {error!r}") from error
        except httpx.TimeoutException as error:
            raise AnswerLost(f"Zalo không trả lời kịp / Zalo timed out: {error!r}") from error
        except httpx.HTTPError as error:
            raise TemporaryFailure(f"Không gọi được Zalo / Zalo unreachable: {error!r}") from error
        if response.status_code >= 500 or response.status_code == 429:
            raise TemporaryFailure(f"Zalo HTTP {response.status_code}")
        try:
            answer = response.json()
            return ZaloAnswer(
                error=int(answer["error"]),
                message=str(answer.get("message", "")),
                data=answer.get("data") or {},
            )
        except (ValueError, KeyError, TypeError) as error:
            raise TemporaryFailure(
                f"Zalo trả lời không đúng dạng / unexpected Zalo answer "
                f"(HTTP {response.status_code}): {response.text[:300]}"
            ) from error

    # The daily quota, counted per Vietnam day in zns_quota

    async def _reserve(self, day: date) -> bool:
        """Take one message of ``day``'s quota, or say there is none left."""
        async with self.db.transaction() as session:
            values = {"day": day, "used": 0}
            insert: sa.Insert
            if self.db.is_sqlite:
                insert = sqlite_insert(ZnsQuotaDay).values(values).on_conflict_do_nothing()
            else:
                insert = pg_insert(ZnsQuotaDay).values(values).on_conflict_do_nothing()
            await session.execute(insert)
            taken = await session.execute(
                sa.update(ZnsQuotaDay)
                .where(
                    ZnsQuotaDay.day == day,
                    ZnsQuotaDay.used < self.settings.zalo_daily_quota,
                    # Zalo's own count, when it gave one, knows better than ours.
                    sa.or_(ZnsQuotaDay.remaining.is_(None), ZnsQuotaDay.remaining > 0),
                )
                .values(used=ZnsQuotaDay.used + 1)
            )
            return bool(taken.rowcount == 1)  # type: ignore[attr-defined]

    async def _release(self, day: date) -> None:
        async with self.db.transaction() as session:
            await session.execute(
                sa.update(ZnsQuotaDay)
                .where(ZnsQuotaDay.day == day, ZnsQuotaDay.used > 0)
                .values(used=ZnsQuotaDay.used - 1)
            )

    async def _remember_remaining(self, answer: ZaloAnswer) -> None:
        quota = answer.data.get("quota")
        if not isinstance(quota, dict) or "remainingQuota" not in quota:
            return
        try:
            remaining = int(quota["remainingQuota"])
        except (TypeError, ValueError):
            return
        await self._set_remaining(quota_day(self.clock()), remaining)

    async def _mark_used_up(self, day: date) -> None:
        await self._set_remaining(day, 0)

    async def _set_remaining(self, day: date, remaining: int) -> None:
        async with self.db.transaction() as session:
            await session.execute(
                sa.update(ZnsQuotaDay)
                .where(ZnsQuotaDay.day == day)
                .values(remaining=max(0, remaining))
            )


def _request_of(delivery: Delivery) -> ZnsRequest:
    """The ZNS request planned with the delivery; a malformed one can never be sent."""
    try:
        payload = json.loads(delivery.payload or "")
        template_id = str(payload["template_id"])
        data = payload["template_data"]
        tag = str(payload.get("tag", "transaction"))
        if not isinstance(data, dict) or tag not in TAGS or not template_id:
            raise ValueError(payload)
    except (ValueError, KeyError, TypeError) as error:
        raise PermanentFailure(
            "Dữ liệu ZNS của thông báo không hợp lệ / the delivery's ZNS payload is invalid"
        ) from error
    return ZnsRequest(template_id, {str(k): str(v) for k, v in data.items()}, tag)
