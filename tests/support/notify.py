"""The notify service in this process, on the session's nats-server and each database, with a
real SMTP server to send to; events are handed to notify's own handlers as its consumers do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from services.notify.main import create_app
from services.notify.models import Delivery
from services.notify.settings import NotifySettings
from shared.auth import Role
from shared.contracts.base import Event
from shared.runtime import ServiceRuntime
from tests.conftest import DatabaseTarget
from tests.support.app import running, service_settings
from tests.support.infra import Infra, forget_earlier_events
from tests.support.keys import sign_token
from tests.support.smtp import SmtpSink


@dataclass
class Notify:
    app: FastAPI
    client: httpx.AsyncClient  # anonymous
    infra: Infra
    smtp: SmtpSink

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    @property
    def settings(self) -> NotifySettings:
        settings: NotifySettings = self.runtime.settings  # type: ignore[assignment]
        return settings

    def as_role(self, role: Role, email: str = "", name: str = "Người Thử") -> httpx.AsyncClient:
        """A client carrying a signed token with ``role``."""
        email = email or f"{role.value}@so.lantoa.vn"
        token = sign_token(
            self.infra.private_key, roles=[role], subject=f"acc-{email}", email=email, name=name
        )
        return httpx.AsyncClient(
            transport=self.client._transport,
            base_url=self.client.base_url,
            headers={"Authorization": f"Bearer {token}", "Origin": str(self.client.base_url)},
            timeout=60,
        )

    async def feed(self, *events: Event) -> None:  # type: ignore[type-arg]
        """Hand events to notify's own handlers, one transaction each, as its consumers do."""
        handlers = {s.event_type: s.handler for s in self.runtime.definition.subscriptions}
        for event in events:
            handler = handlers[type(event)]
            assert handler is not None
            async with self.runtime.db.transaction() as session:
                await handler(event, session)

    async def deliveries(self, **where: Any) -> list[Delivery]:
        query = sa.select(Delivery).order_by(Delivery.created_at, Delivery.delivery_id)
        for name, value in where.items():
            query = query.where(getattr(Delivery, name) == value)
        async with self.runtime.db.reading() as session:
            return list(await session.scalars(query))

    async def settled(
        self, predicate: Callable[[list[Delivery]], bool] | None = None, timeout: float = 30
    ) -> list[Delivery]:
        """Wait until no delivery is queued or being sent (or ``predicate`` holds)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            rows = await self.deliveries()
            done = (
                predicate(rows)
                if predicate
                else all(r.status not in ("queued", "sending") for r in rows)
            )
            if done:
                return rows
            if asyncio.get_running_loop().time() > deadline:
                states = sorted((r.channel, r.status, r.last_error or "") for r in rows)
                raise AssertionError(f"deliveries not settled in {timeout}s: {states}")
            await asyncio.sleep(0.1)


def notify_settings(
    infra: Infra, database: DatabaseTarget, smtp: SmtpSink, **extra: Any
) -> NotifySettings:
    values: dict[str, Any] = {
        "smtp_port": smtp.port,
        "dispatch_poll_seconds": 0.2,
        "retry_base_seconds": 0.2,
        "dispatch_lease_seconds": 5.0,
        "portal_url": "https://thi.lantoa.vn",
        "public_url": "http://testserver",
        "smtp_timeout_seconds": 5.0,
        **extra,
    }
    return NotifySettings(**service_settings(infra, database.url, database.schema, **values))


@asynccontextmanager
async def notify_running(
    infra: Infra, database: DatabaseTarget, smtp: SmtpSink | None = None, **extra: Any
) -> AsyncIterator[Notify]:
    """Notify on ``database`` sending to ``smtp`` (a fresh sink when none is given)."""
    await forget_earlier_events(infra)
    sink = smtp or SmtpSink().start()
    try:
        app = create_app(notify_settings(infra, database, sink, **extra))
        async with running(app) as client:
            yield Notify(app=app, client=client, infra=infra, smtp=sink)
    finally:
        if smtp is None:
            sink.stop()
