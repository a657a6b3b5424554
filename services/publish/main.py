"""Publish service entry point: wiring only."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from shared.runtime import ServiceDefinition, ServiceRuntime
from shared.web import build_app

from .handlers import SUBSCRIPTIONS
from .models import Base
from .routes import router
from .settings import PublishSettings, get_settings

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: PublishSettings | None = None) -> FastAPI:
    definition = ServiceDefinition(
        settings=settings or get_settings(),
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        title="Lan Toả — công bố, tuyên truyền (publish)",
        description="Trang công khai, nguồn tin cho cơ quan báo chí, các kênh tuyên truyền. "
        "The public site, feeds for newsrooms and outlets.",
        subscriptions=SUBSCRIPTIONS,
    )
    return build_app(ServiceRuntime(definition), [router])
