"""The real infrastructure the tests run on: nats-server, SeaweedFS, PostgreSQL when reachable."""

from __future__ import annotations

import asyncio
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from deploy.local.processes import NatsServer, SeaweedS3, free_port

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


@dataclass
class Infra:
    nats: NatsServer
    s3: SeaweedS3
    private_key: Path
    public_key: Path
    base: Path

    def env(self) -> dict[str, str]:
        """Shared settings of every service, pointed at this infrastructure."""
        return {
            "LANTOA_NATS_URL": self.nats.url,
            "LANTOA_S3_ENDPOINT": self.s3.endpoint,
            "LANTOA_S3_ACCESS_KEY": self.s3.access_key,
            "LANTOA_S3_SECRET_KEY": self.s3.secret_key,
            "LANTOA_S3_BUCKET": "lantoa-test",
            "LANTOA_AUTH_PUBLIC_KEY_FILE": str(self.public_key),
            "LANTOA_LOG_LEVEL": "INFO",
        }


def start_nats(base: Path, name: str = "nats") -> NatsServer:
    return NatsServer(base / name, free_port(), free_port(), base / f"{name}.log").start()


def start_s3(base: Path) -> SeaweedS3:
    return SeaweedS3(
        base / "s3", free_port(), base / "s3.log", "lantoa-test", "lantoa-test-secret"
    ).start()


def postgres_url() -> str | None:
    """The PostgreSQL to test against: LANTOA_TEST_POSTGRES_URL, else the local one if up."""
    configured = os.environ.get("LANTOA_TEST_POSTGRES_URL")
    if configured:
        return configured
    try:
        asyncio.run(_probe(DEFAULT_POSTGRES_URL))
    except Exception:
        return None
    return DEFAULT_POSTGRES_URL


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _probe(url: str) -> None:
    conn = await asyncpg.connect(_dsn(url), timeout=2)
    await conn.close()


def new_schema() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


async def drop_schema(url: str, schema: str) -> None:
    conn = await asyncpg.connect(_dsn(url))
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


async def forget_earlier_events(infra: Infra) -> None:
    """Purge every stream of the session's nats-server. A service that consumes what other
    services emit (notify, publish) would otherwise also receive what earlier tests left on
    the bus, in whatever order the tests happened to run."""
    import nats

    connection = await nats.connect(infra.nats.url)
    try:
        stream = connection.jetstream()
        for info in await stream.streams_info():
            await stream.purge_stream(info.config.name)
    finally:
        await connection.close()
