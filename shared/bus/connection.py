"""The service's connection to NATS JetStream (through FastStream's broker) and its streams."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable

from faststream.nats import NatsBroker
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

from shared.contracts.streams import StreamSpec
from shared.logs import get_logger

log = get_logger("lantoa.bus")

DUPLICATE_WINDOW_SECONDS = 120.0


class BusConnection:
    def __init__(self, service: str, url: str, *, stream_replicas: int = 1) -> None:
        self.service = service
        self.stream_replicas = stream_replicas
        self.broker = NatsBroker(
            url.split(","),
            name=f"lantoa-{service}-{os.getpid()}",
            max_reconnect_attempts=-1,
            reconnect_time_wait=1,
            connect_timeout=3,
            ping_interval=5,
            max_outstanding_pings=2,
            disconnected_cb=self._on_disconnected,
            reconnected_cb=self._on_reconnected,
            graceful_timeout=None,
        )
        self._connected_once = asyncio.Event()
        self._closing = False

    async def _on_disconnected(self) -> None:
        if not self._closing:
            log.warning("bus disconnected")

    async def _on_reconnected(self) -> None:
        log.info("bus reconnected")

    async def connect(self, *, retry_seconds: float = 1.0) -> None:
        """Connect, retrying until NATS answers (it may start after us)."""
        while True:
            try:
                await self.broker.connect()
                break
            except Exception as error:
                log.warning("bus not reachable yet", error=repr(error))
                await asyncio.sleep(retry_seconds)
        self._connected_once.set()
        log.info("bus connected")

    @property
    def nc(self) -> Client:
        client: Client = self.broker.config.connection_state.connection
        return client

    @property
    def js(self) -> JetStreamContext:
        context: JetStreamContext = self.broker.config.connection_state.stream
        return context

    @property
    def is_connected(self) -> bool:
        if not self._connected_once.is_set():
            return False
        return bool(self.nc.is_connected)

    async def ensure_streams(self, specs: Iterable[StreamSpec]) -> None:
        """Create or update streams; every service declares the ones it touches, identically."""
        for spec in specs:
            config = StreamConfig(
                name=spec.name,
                subjects=list(spec.subjects),
                description=spec.description,
                retention=RetentionPolicy.LIMITS,
                storage=StorageType.FILE,
                discard=DiscardPolicy.OLD,
                max_age=spec.max_age_days * 86400.0,
                duplicate_window=DUPLICATE_WINDOW_SECONDS,
                num_replicas=self.stream_replicas,
            )
            try:
                await self.js.stream_info(spec.name)
            except NotFoundError:
                try:
                    await self.js.add_stream(config)
                    continue
                except BadRequestError:
                    pass  # another replica created it in between
            await self.js.update_stream(config)

    async def ping(self, timeout: int = 2) -> bool:
        if not self.is_connected:
            return False
        try:
            await self.nc.flush(timeout=timeout)
        except Exception:
            return False
        return True

    async def close(self) -> None:
        self._closing = True
        if self._connected_once.is_set():
            await self.broker.stop()
