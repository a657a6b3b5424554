"""Publish service entry point: wiring only."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from shared.contracts.publish import PublicationCompleted, PublicationFailed
from shared.pages.rendering import mount_static
from shared.runtime import ServiceDefinition, ServiceRuntime
from shared.web import build_app

from .handlers import SUBSCRIPTIONS
from .models import Base
from .pages import STATIC
from .pages import router as pages_router
from .routes import router
from .settings import PublishSettings, get_settings

MIGRATIONS = Path(__file__).parent / "migrations"

# Each feature adds its routers and workers here, one line each.
ROUTERS = [
    router,
    pages_router,
]
WORKERS: list = []


def create_app(settings: PublishSettings | None = None) -> FastAPI:
    definition = ServiceDefinition(
        settings=settings or get_settings(),
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        title="Lan Toả — công bố, tuyên truyền (publish)",
        description="Trang công khai, nguồn tin cho cơ quan báo chí, các kênh tuyên truyền. "
        "The public site, feeds for newsrooms and outlets.",
        emits=(PublicationCompleted, PublicationFailed),
        subscriptions=SUBSCRIPTIONS,
        workers=tuple(WORKERS),
    )
    app = build_app(ServiceRuntime(definition), ROUTERS)
    mount_static(app, STATIC)
    return app
