"""Real headless Chromium (Debian's, driven by Playwright) against the submissions service
served over HTTP in this process, on the real NATS, SeaweedFS and a SQLite file."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, async_playwright

from deploy.local.processes import free_port
from services.judging.main import create_app as create_judging_app
from services.judging.settings import JudgingSettings
from services.submissions.main import create_app
from services.submissions.settings import SubmissionsSettings
from tests.integration.conftest import Submissions
from tests.support.app import service_settings, serving
from tests.support.infra import Infra
from tests.support.judging import Judging, contest_event

CHROMIUM = Path(os.environ.get("LANTOA_TEST_CHROMIUM", "/usr/bin/chromium"))
HAS_CHROMIUM = CHROMIUM.exists()
SCREENSHOTS = Path(os.environ.get("LANTOA_TEST_SCREENSHOTS", "var/screenshots"))


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not HAS_CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail(
                f"CI must run the browser tests: {CHROMIUM} is missing (.ci/run installs it)"
            )
        pytest.skip(f"no Chromium at {CHROMIUM}")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
async def site(infra: Infra, tmp_path: Path) -> AsyncIterator[Submissions]:
    port = free_port()
    settings = SubmissionsSettings(
        **service_settings(
            infra,
            f"sqlite+aiosqlite:///{tmp_path}/submissions.db",
            None,
            http_port=port,
            auth_private_key_file=infra.private_key,
            public_url=f"http://127.0.0.1:{port}",
        )
    )
    app = create_app(settings)
    async with serving(app, port) as base, httpx.AsyncClient(base_url=base, timeout=60) as client:
        yield Submissions(app=app, client=client, infra=infra)


@pytest.fixture
async def judging_site(infra: Infra, tmp_path: Path) -> AsyncIterator[Judging]:
    """The judging service over HTTP with a published contest in its projection. No
    submissions service runs: pages are signed into with a token cookie set directly."""
    port = free_port()
    settings = JudgingSettings(
        **service_settings(
            infra,
            f"sqlite+aiosqlite:///{tmp_path}/judging.db",
            None,
            http_port=port,
            public_url=f"http://127.0.0.1:{port}",
            sign_in_url=f"http://127.0.0.1:{free_port()}/sign-in",
        )
    )
    app = create_judging_app(settings)
    async with serving(app, port) as base, httpx.AsyncClient(base_url=base, timeout=60) as client:
        harness = Judging(app=app, client=client, infra=infra)
        await harness.feed(contest_event(harness.contest_id))
        yield harness


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def base_url(site: Submissions | Judging) -> str:
    return str(site.client.base_url).rstrip("/")
