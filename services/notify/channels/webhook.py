"""The webhook channel: one signed JSON POST per delivery to the URL an organizer registered.

The body was fixed when the delivery was planned (``delivery.payload``); only the signature is
made at send time, so each try carries a fresh timestamp the receiver can check for replays.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

import httpx

from shared.contracts.base import utc_now
from shared.db import Database

from ..domain.webhooks import classify_status, sign
from ..models import Delivery, Webhook
from ..settings import NotifySettings
from ..webhooks.addresses import InternalAddress, refuse_internal
from .base import Outcome, PermanentFailure, TemporaryFailure

USER_AGENT = "LanToa-Webhook/1"
# Enough of a refusal to explain it in the delivery log; the rest is not read.
ANSWER_EXCERPT_BYTES = 300

WEBHOOK_GONE = "Webhook không còn tồn tại / the webhook no longer exists"
WEBHOOK_INACTIVE = "Webhook đã bị tắt / the webhook was deactivated"


class WebhookChannel:
    name = "webhook"

    def __init__(
        self,
        db: Database,
        settings: NotifySettings,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.db = db
        self.timeout = settings.webhook_timeout_seconds
        self.allow_private_hosts = settings.webhook_allow_private_hosts
        self.clock = clock
        # Redirects are not followed: the organizer registered this URL, not wherever it
        # points today, and a 3xx counts as a permanent failure.
        self.client = httpx.AsyncClient(
            timeout=self.timeout,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        )

    async def send(self, delivery: Delivery) -> Outcome:
        webhook = await self._webhook(delivery.recipient)
        if not self.allow_private_hosts:
            try:
                await refuse_internal(webhook.url)
            except InternalAddress as error:
                raise PermanentFailure(str(error)) from error
        body = delivery.payload.encode("utf-8")
        timestamp = int(self.clock().timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Lantoa-Event": delivery.template,
            "X-Lantoa-Delivery": delivery.delivery_id,
            "X-Lantoa-Signature": sign(webhook.secret, timestamp, body),
        }
        try:
            # httpx's timeout is per read; the deadline bounds a receiver that trickles.
            async with asyncio.timeout(self.timeout):
                code, excerpt, location = await self._post(webhook.url, body, headers)
        except (TimeoutError, httpx.TimeoutException) as error:
            raise TemporaryFailure(
                f"Quá {self.timeout:g} giây không có trả lời / no answer within "
                f"{self.timeout:g} s ({type(error).__name__})"
            ) from error
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
            raise PermanentFailure(
                f"Địa chỉ webhook không dùng được / unusable webhook URL: {error}"
            ) from error
        except httpx.TransportError as error:
            raise TemporaryFailure(
                f"Không kết nối được tới webhook / connection failed: {error!r}"
            ) from error
        return self._outcome(code, excerpt, location)

    async def _webhook(self, webhook_id: str) -> Webhook:
        async with self.db.reading() as session:
            webhook = await session.get(Webhook, webhook_id)
        if webhook is None:
            raise PermanentFailure(WEBHOOK_GONE)
        if not webhook.active:
            raise PermanentFailure(WEBHOOK_INACTIVE)
        return webhook

    async def _post(
        self, url: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, str, str | None]:
        """The status, the start of the answer and any Location, reading no more than that
        (a receiver cannot make us hold a large answer in memory)."""
        async with self.client.stream("POST", url, content=body, headers=headers) as response:
            excerpt = b""
            async for chunk in response.aiter_bytes():
                excerpt += chunk
                if len(excerpt) >= ANSWER_EXCERPT_BYTES:
                    break
            text = excerpt[:ANSWER_EXCERPT_BYTES].decode("utf-8", errors="replace").strip()
            return response.status_code, text, response.headers.get("location")

    @staticmethod
    def _outcome(code: int, excerpt: str, location: str | None) -> Outcome:
        detail = f"HTTP {code}"
        kind = classify_status(code)
        if kind == "delivered":
            return Outcome("delivered", detail=detail)
        if location and 300 <= code < 400:
            detail += f" → {location} (chuyển hướng không được theo / redirects are not followed)"
        elif excerpt:
            detail += f": {excerpt}"
        if kind == "temporary":
            raise TemporaryFailure(detail)
        raise PermanentFailure(detail)

    async def close(self) -> None:
        await self.client.aclose()
