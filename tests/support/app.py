"""A service running in this process on the real infrastructure, spoken to over ASGI.

Faster than a process per test and just as real below HTTP: the service's own database
(SQLite file or a PostgreSQL schema), the session's nats-server and SeaweedFS, its consumers,
outbox relay and workers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from shared.runtime import ServiceRuntime
from tests.support.infra import Infra


def service_settings(
    infra: Infra, database_url: str, schema: str | None, **extra: Any
) -> dict[str, Any]:
    """Keyword arguments for a service's settings class, pointed at ``infra``."""
    return {
        "http_port": 1,
        "database_url": database_url,
        "database_schema": schema,
        "nats_url": infra.nats.url,
        "s3_endpoint": infra.s3.endpoint,
        "s3_access_key": infra.s3.access_key,
        "s3_secret_key": infra.s3.secret_key,
        "s3_bucket": "lantoa-test",
        "auth_public_key_file": infra.public_key,
        "consumer_backoff_seconds": (0.2, 0.5, 1.0, 2.0),
        "consumer_ack_wait_seconds": 10.0,
        "outbox_poll_seconds": 0.2,
        "shutdown_grace_seconds": 5.0,
        **extra,
    }


@asynccontextmanager
async def running(
    app: FastAPI, base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    """Start the app (migrations, bus, storage, consumers), yield a client, stop it."""
    runtime: ServiceRuntime = app.state.runtime
    async with app.router.lifespan_context(app):
        await asyncio.wait_for(runtime.bus_ready.wait(), 30)
        await asyncio.wait_for(runtime.storage_ready.wait(), 30)
        transport = httpx.ASGITransport(app=app)
        # A browser names the page a request comes from; the same-site guard expects it.
        headers = {"Origin": base_url}
        async with httpx.AsyncClient(
            transport=transport, base_url=base_url, headers=headers, timeout=60
        ) as client:
            yield client


@asynccontextmanager
async def serving(app: FastAPI, port: int) -> AsyncIterator[str]:
    """Serve the app over real HTTP on 127.0.0.1:port in this event loop (for a browser)."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    runtime: ServiceRuntime = app.state.runtime
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.05)
        await asyncio.wait_for(runtime.bus_ready.wait(), 30)
        await asyncio.wait_for(runtime.storage_ready.wait(), 30)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
