"""Publish service entry point: wiring only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from shared.contracts.publish import PublicationCompleted, PublicationFailed
from shared.pages.rendering import mount_static
from shared.runtime import ServiceDefinition, ServiceRuntime, Worker
from shared.web import build_app

from .bulletins.routes import router as bulletins_api
from .exemplars.pages import router as exemplar_pages
from .exemplars.routes import router as exemplar_api
from .feeds.routes import router as feeds_api
from .handlers import SUBSCRIPTIONS
from .jobs.pages import router as job_pages
from .jobs.routes import router as job_api
from .jobs.runner import PublicationRunner
from .models import Base
from .news.pages import router as news_pages
from .news.routes import router as news_api
from .outlets.pages import router as outlet_pages
from .outlets.routes import router as outlet_api
from .pages import STATIC
from .pages import router as pages_router
from .routes import router
from .settings import PublishSettings, get_settings
from .site.pages import router as site_pages
from .winners.preparation import Preparation

MIGRATIONS = Path(__file__).parent / "migrations"

# Each feature adds its routers and workers here, one line each.
ROUTERS = [
    outlet_api,
    outlet_pages,
    job_api,
    job_pages,
    router,
    pages_router,
    exemplar_api,
    exemplar_pages,
    site_pages,
    news_api,
    news_pages,
    feeds_api,
    bulletins_api,
]
WORKERS: list[Callable[[ServiceRuntime], Worker]] = [
    PublicationRunner,
    Preparation,
]


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
