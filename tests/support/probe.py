"""A small service built on the shared wiring, to test the bus and outbox in one process.

It poses as the publish service (so it owns that stream) and records every handled event in a
table, so a test can count effects exactly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import Field
from pydantic_settings import SettingsConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from shared.bus.consumer import Subscription
from shared.contracts.base import Event, Payload
from shared.db import UTCDateTime, new_metadata
from shared.messaging.tables import inbox_table, outbox_table
from shared.runtime import ServiceDefinition, ServiceRuntime
from shared.settings import ServiceSettings

metadata = new_metadata()
outbox_table(metadata)
inbox_table(metadata)
effects = sa.Table(
    "effects",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("consumer", sa.String(100), nullable=False),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("marker", sa.String(100), nullable=False),
    sa.Column("replica", sa.String(20), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)


class PingPayload(Payload):
    marker: str
    fail_times: int = 0  # the handler fails this many deliveries, then succeeds
    sleep_seconds: float = 0.0


class Ping(Event[PingPayload]):
    SUBJECT = "lantoa.publish.probe_ping.v1"


class Echo(Event[PingPayload]):
    SUBJECT = "lantoa.publish.probe_echo.v1"


class ProbeSettings(ServiceSettings):
    SERVICE = "publish"
    model_config = SettingsConfigDict(env_prefix="LANTOA_PROBE_", extra="ignore")
    http_port: int = Field(default=8999)


def probe_settings(
    infra: Any, database_url: str, schema: str | None, **overrides: Any
) -> ProbeSettings:
    values: dict[str, Any] = {
        "nats_url": infra.nats.url,
        "s3_endpoint": infra.s3.endpoint,
        "s3_access_key": infra.s3.access_key,
        "s3_secret_key": infra.s3.secret_key,
        "s3_bucket": "lantoa-test",
        "auth_public_key_file": infra.public_key,
        "database_url": database_url,
        "database_schema": schema,
        "migrate_on_start": False,
        "consumer_backoff_seconds": (0.2, 0.4, 0.8, 1.6),
        "outbox_poll_seconds": 0.2,
        "shutdown_grace_seconds": 10,
    }
    values.update(overrides)
    return ProbeSettings(**values)


Recorder = Callable[[Ping, AsyncSession], Awaitable[None]]


def recording_handler(consumer: str, replica: str, attempts: dict[str, int]) -> Recorder:
    """Records each event once per transaction; fails on demand; echoes through the outbox."""

    async def handle(event: Ping, session: AsyncSession) -> None:
        p = event.payload
        attempts[p.marker] = attempts.get(p.marker, 0) + 1
        if p.sleep_seconds:
            await asyncio.sleep(p.sleep_seconds)
        if attempts[p.marker] <= p.fail_times:
            raise RuntimeError(f"planned failure {attempts[p.marker]} of {p.fail_times}")
        await session.execute(
            sa.insert(effects).values(
                consumer=consumer,
                event_id=event.event_id,
                marker=p.marker,
                replica=replica,
                at=event.occurred_at,
            )
        )

    return handle


def probe_runtime(
    settings: ProbeSettings, *, consumer: str = "probe-pings", replica: str = "r1"
) -> tuple[ServiceRuntime, dict[str, int]]:
    attempts: dict[str, int] = {}
    definition = ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations=Path("unused"),
        title="probe",
        description="test probe",
        emits=(Ping, Echo),
        subscriptions=(
            Subscription(Ping, consumer, recording_handler(consumer, replica, attempts)),
        ),
    )
    return ServiceRuntime(definition), attempts


async def create_tables(runtime: ServiceRuntime) -> None:
    if runtime.db.schema:
        async with runtime.db.engine.begin() as conn:
            await conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{runtime.db.schema}"'))
    async with runtime.db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)


async def count_effects(runtime: ServiceRuntime, marker_prefix: str = "") -> dict[str, int]:
    async with runtime.db.reading() as session:
        rows = await session.execute(
            sa.select(effects.c.marker, sa.func.count())
            .where(effects.c.marker.startswith(marker_prefix))
            .group_by(effects.c.marker)
        )
        return {marker: count for marker, count in rows}


async def wait_for(
    check: Callable[[], Awaitable[bool]], timeout: float = 20.0, interval: float = 0.1
) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if await check():
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)
