"""Fixtures on real infrastructure: nats-server and SeaweedFS on free ports, SQLite files, and
PostgreSQL (LANTOA_TEST_POSTGRES_URL, or the local server when it answers)."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.logs import configure_logging
from tests.support.infra import Infra, drop_schema, new_schema, postgres_url, start_nats, start_s3
from tests.support.keys import write_key_pair

POSTGRES_URL = postgres_url()


@pytest.fixture(scope="session", autouse=True)
def _logging() -> None:
    configure_logging("tests", "INFO", "console")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("mail.log").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infra]:
    base = tmp_path_factory.mktemp("infra")
    nats = start_nats(base)
    s3 = start_s3(base)
    private, public = write_key_pair(base / "keys")
    try:
        yield Infra(nats=nats, s3=s3, private_key=private, public_key=public, base=base)
    finally:
        nats.stop()
        s3.stop()


@dataclass(frozen=True)
class DatabaseTarget:
    kind: str
    url: str
    schema: str | None


def _require_postgres() -> str:
    if POSTGRES_URL is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL tests: set LANTOA_TEST_POSTGRES_URL")
        pytest.skip("PostgreSQL not reachable (set LANTOA_TEST_POSTGRES_URL)")
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DatabaseTarget]:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield DatabaseTarget("sqlite", f"sqlite+aiosqlite:///{tmp_path}/test.db", None)
        return
    url = _require_postgres()
    schema = new_schema()
    yield DatabaseTarget("postgres", url, schema)
    asyncio.run(drop_schema(url, schema))
