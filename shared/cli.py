"""The command line every service shares: ``python -m services.<name> [serve|migrate|...]``."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from shared.db import Database
from shared.logs import configure_logging
from shared.settings import ServiceSettings

Command = Callable[[Any], Coroutine[Any, Any, None]]


def run_service_cli(
    *,
    settings_factory: Callable[[], ServiceSettings],
    app_factory: Callable[[Any], FastAPI],
    migrations: Path,
    commands: dict[str, tuple[str, Command]] | None = None,
) -> None:
    extra = commands or {}
    parser = argparse.ArgumentParser()
    choices = ["serve", "migrate", *extra]
    parser.add_argument("command", nargs="?", default="serve", choices=choices)
    args = parser.parse_args()
    settings = settings_factory()
    configure_logging(settings.SERVICE, settings.log_level, settings.log_format)
    if args.command == "serve":
        uvicorn.run(
            app_factory(settings),
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
            timeout_graceful_shutdown=int(settings.shutdown_grace_seconds) or None,
            proxy_headers=True,
            server_header=False,
        )
    elif args.command == "migrate":
        asyncio.run(_migrate(settings, migrations))
    else:
        asyncio.run(extra[args.command][1](settings))


async def _migrate(settings: ServiceSettings, migrations: Path) -> None:
    db = Database(settings.effective_database_url, settings.database_schema)
    try:
        await db.migrate(migrations)
    finally:
        await db.dispose()
