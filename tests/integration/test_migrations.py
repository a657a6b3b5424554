"""Each service's migrations build exactly the schema its models describe, on SQLite and
PostgreSQL; they run again harmlessly, and two processes migrating at once do not collide."""

from __future__ import annotations

import asyncio
import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shared.db import Database

SERVICES = ("submissions", "judging", "notify", "publish")


@pytest.mark.parametrize("service", SERVICES)
async def test_migrations_match_the_models(service: str, database) -> None:  # type: ignore[no-untyped-def]
    main = importlib.import_module(f"services.{service}.main")
    models = importlib.import_module(f"services.{service}.models")
    db = Database(database.url, database.schema)
    try:
        await asyncio.gather(db.migrate(main.MIGRATIONS), db.migrate(main.MIGRATIONS))
        await db.migrate(main.MIGRATIONS)  # once more: nothing to do

        def diff(sync_conn):  # type: ignore[no-untyped-def]
            context = MigrationContext.configure(
                sync_conn, opts={"compare_type": True, "include_schemas": False}
            )
            return compare_metadata(context, models.Base.metadata)

        async with db.engine.connect() as conn:
            differences = await conn.run_sync(diff)
        assert differences == []
    finally:
        await db.dispose()
