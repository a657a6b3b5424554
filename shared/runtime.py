"""Everything a running service holds, and its start and graceful stop.

Start: migrate the database, then connect to the bus in the background (NATS may come up after
us; HTTP answers meanwhile and events wait in the outbox), declare the streams, start the durable
consumers and the outbox relay. Stop: stop fetching, let the batch in hand finish, flush the
outbox, close the bus, close the database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import MetaData

from shared.auth import TokenVerifier
from shared.bus.connection import BusConnection
from shared.bus.consumer import EventConsumer, RetryPolicy, Subscription
from shared.contracts.base import Event
from shared.contracts.streams import DEAD_LETTER_STREAM, service_stream, stream_for_subject
from shared.db import Database
from shared.logs import get_logger
from shared.messaging.outbox import Outbox
from shared.messaging.relay import OutboxRelay
from shared.metrics import ServiceMetrics
from shared.settings import ServiceSettings
from shared.storage import ObjectStorage

log = get_logger("lantoa.runtime")


class Worker(Protocol):
    """A background loop of a service (e.g. notify's dispatcher)."""

    def start(self) -> None: ...

    async def stop(self, grace_seconds: float) -> None: ...


@dataclass
class ServiceDefinition:
    settings: ServiceSettings
    metadata: MetaData
    migrations: Path
    title: str
    description: str
    version: str = "0.1.0"
    emits: Sequence[type[Event]] = ()  # type: ignore[type-arg]
    subscriptions: Sequence[Subscription[Any]] = ()
    workers: Sequence[Callable[[ServiceRuntime], Worker]] = field(default_factory=tuple)


class ServiceRuntime:
    def __init__(self, definition: ServiceDefinition) -> None:
        self.definition = definition
        settings = self.settings = definition.settings
        self.name = settings.SERVICE
        self.metrics = ServiceMetrics(self.name)
        self.db = Database(settings.effective_database_url, settings.database_schema)
        self.outbox = Outbox(definition.metadata.tables["outbox"])
        self.inbox_table = definition.metadata.tables["inbox"]
        self.bus = BusConnection(
            self.name, settings.nats_url, stream_replicas=settings.stream_replicas
        )
        self.storage = ObjectStorage(
            endpoint=settings.s3_endpoint,
            public_endpoint=settings.s3_public_endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key.get_secret_value(),
            bucket=settings.s3_bucket,
            region=settings.s3_region,
        )
        self.verifier = TokenVerifier.from_file(
            settings.auth_public_key_file,
            issuer=settings.auth_issuer,
            audience=settings.auth_audience,
        )
        self.relay = OutboxRelay(
            self.db,
            self.outbox.table,
            self.bus,
            self.metrics,
            batch_size=settings.outbox_batch_size,
            poll_seconds=settings.outbox_poll_seconds,
            retention_days=settings.outbox_retention_days,
        )
        retry = RetryPolicy(
            max_deliver=settings.consumer_max_deliver,
            backoff_seconds=settings.consumer_backoff_seconds,
            ack_wait_seconds=settings.consumer_ack_wait_seconds,
        )
        self.consumers = [
            EventConsumer(
                sub,
                bus=self.bus,
                db=self.db,
                inbox=self.inbox_table,
                metrics=self.metrics,
                retry=retry,
                batch_size=settings.consumer_batch_size,
            )
            for sub in definition.subscriptions
        ]
        self.workers: list[Worker] = []
        self.bus_ready = asyncio.Event()
        self.storage_ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def streams(self) -> list[Any]:
        specs = {service_stream(self.name), DEAD_LETTER_STREAM}
        specs.update(stream_for_subject(c.subject) for c in self.consumers)
        return sorted(specs, key=lambda s: s.name)

    async def start(self) -> None:
        if self.settings.migrate_on_start:
            await self._migrate_with_retry()
        self.db.on_commit(self.relay.wake)
        self.workers = [make(self) for make in self.definition.workers]
        for worker in self.workers:
            worker.start()
        self._tasks.append(asyncio.create_task(self._start_bus(), name="bus-start"))
        self._tasks.append(asyncio.create_task(self._start_storage(), name="storage-start"))
        log.info("service started", port=self.settings.http_port)

    async def _migrate_with_retry(self, attempts: int = 30) -> None:
        for attempt in range(1, attempts + 1):
            try:
                await self.db.migrate(self.definition.migrations)
                return
            except (OSError, ConnectionError) as error:
                if attempt == attempts:
                    raise
                log.warning("database not reachable yet", error=repr(error))
                await asyncio.sleep(1.0)

    async def _start_bus(self) -> None:
        await self.bus.connect()
        while True:
            try:
                await self.bus.ensure_streams(self.streams())
                for consumer in self.consumers:
                    await consumer.ensure()
                break
            except Exception as error:
                log.warning("streams not ready yet", error=repr(error))
                await asyncio.sleep(1.0)
        for consumer in self.consumers:
            consumer.start()
        self.relay.start()
        self.bus_ready.set()

    async def _start_storage(self) -> None:
        while True:
            try:
                await self.storage.ensure_bucket()
                break
            except Exception as error:
                log.warning("storage not reachable yet", error=repr(error))
                await asyncio.sleep(1.0)
        self.storage_ready.set()

    async def readiness(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(self.db.ping(), timeout=3)
            checks["database"] = "ok"
        except Exception as error:
            checks["database"] = f"unreachable: {error!r}"[:200]
        if not self.bus_ready.is_set():
            checks["bus"] = "starting"
        else:
            checks["bus"] = "ok" if await self.bus.ping() else "disconnected"
        if not self.storage_ready.is_set():
            checks["storage"] = "starting"
        else:
            try:
                ok = await asyncio.wait_for(self.storage.ping(), timeout=3)
                checks["storage"] = "ok" if ok else "bucket missing"
            except Exception as error:
                checks["storage"] = f"unreachable: {error!r}"[:200]
        return checks

    async def stop(self) -> None:
        grace = self.settings.shutdown_grace_seconds
        log.info("service stopping")
        for task in self._tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*(c.stop(grace) for c in self.consumers))
        for worker in self.workers:
            await worker.stop(grace)
        if self.bus_ready.is_set():
            await self.relay.stop(grace)
        await self.bus.close()
        await self.db.dispose()
        log.info("service stopped")
