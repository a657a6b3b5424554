"""Async database wiring: SQLite files by default, PostgreSQL by URL; Alembic at start-up."""

from __future__ import annotations

import asyncio
import fcntl
import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import DateTime, MetaData, event, text
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Database:
    """One service's database: a writer and a reader session factory, and migrations.

    On SQLite, write transactions start with BEGIN IMMEDIATE so that concurrent writers wait
    for the lock (busy_timeout) instead of failing half-way; reads use deferred transactions.
    Writers of one process also queue on an asyncio lock first: SQLite's busy handler sleeps
    up to 100 ms between attempts, long after the lock was released; busy_timeout remains for
    writers in other processes. (So a transaction must never be opened inside another.)
    """

    def __init__(self, url: str, schema: str | None = None, *, pool_size: int = 10) -> None:
        self.url = make_url(url)
        self.schema = schema
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self._after_commit: list[Callable[[], None]] = []
        self._write_lock: asyncio.Lock | None = None
        if self.is_sqlite:
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = self._sqlite_engine(immediate=True)
            self.read_engine = self._sqlite_engine(immediate=False)
            self._write_lock = asyncio.Lock()
        else:
            # Plan every statement for its parameters: asyncpg prepares statements, and a
            # generic plan made while a table was nearly empty (e.g. the inbox lookup
            # consumer = $1 AND event_id IN (...)) would scan the whole table as it grows.
            server_settings = {"plan_cache_mode": "force_custom_plan"}
            if schema:
                server_settings["search_path"] = schema
            connect_args: dict[str, Any] = {"server_settings": server_settings}
            self.engine = create_async_engine(
                self.url,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_pre_ping=True,
                connect_args=connect_args,
            )
            self.read_engine = self.engine
        self._writer = async_sessionmaker(self.engine, expire_on_commit=False)
        self._reader = async_sessionmaker(self.read_engine, expire_on_commit=False)

    def _sqlite_engine(self, *, immediate: bool) -> AsyncEngine:
        engine = create_async_engine(self.url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event decide
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` after each commit that asked for it (see notify_commit)."""
        self._after_commit.append(callback)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commits when the block ends, rolls back on an exception."""
        async with self._writer() as session:
            async with self._write_lock or nullcontext(), session.begin():
                yield session
            if session.info.pop("notify_commit", False):
                for callback in self._after_commit:
                    callback()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        async with self._reader() as session, session.begin():
            yield session

    async def ping(self) -> None:
        async with self.read_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()

    async def migrate(self, script_location: Path) -> None:
        """Bring the schema to the newest revision, one process at a time."""
        cfg = Config()
        cfg.set_main_option("script_location", str(script_location))
        cfg.attributes["version_table_schema"] = self.schema
        if self.is_sqlite:
            lock_path = Path(f"{self.url.database}.migrate.lock")
            with lock_path.open("w") as lock:  # noqa: ASYNC230 - a lock file, opened once
                await asyncio.to_thread(fcntl.flock, lock, fcntl.LOCK_EX)
                try:
                    await self._upgrade(cfg)
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
            return
        async with self.engine.connect() as conn:
            # Lock first: two replicas creating the schema at once would collide.
            key = zlib.crc32(f"lantoa-migrate:{self.schema}".encode())
            await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            await conn.commit()
            try:
                if self.schema:
                    await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
                    await conn.commit()
                await self._upgrade(cfg)
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                await conn.commit()

    async def _upgrade(self, cfg: Config) -> None:
        async with self.engine.connect() as conn:
            await conn.run_sync(_run_upgrade, cfg)
            await conn.commit()


def _run_upgrade(sync_conn: Connection, cfg: Config) -> None:
    cfg.attributes["connection"] = sync_conn
    command.upgrade(cfg, "head")


def notify_commit(session: AsyncSession) -> None:
    """Ask the Database to run its after-commit callbacks once this session commits."""
    session.info["notify_commit"] = True


def run_migrations_online(context: Any, metadata: MetaData) -> None:
    """Body of every service's Alembic env.py: migrate on the connection the service gave."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through the service: python -m services.<name> migrate")
    schema = context.config.attributes.get("version_table_schema")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table_schema=schema,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        user_module_prefix="shared.db.",
    )
    with context.begin_transaction():
        context.run_migrations()
