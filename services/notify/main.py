"""Notify service entry point: wiring only."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from shared.contracts.notify import NotificationFailed, NotificationSent
from shared.pages.rendering import mount_static
from shared.runtime import ServiceDefinition, ServiceRuntime
from shared.web import build_app

from .announcements.routes import router as announcements_router
from .bounces.listener import BounceListener
from .bounces.routes import router as bounces_router
from .deliveries.routes import router as deliveries_router
from .dispatcher import Dispatcher
from .handlers import subscriptions
from .models import Base
from .pages import router as pages_router
from .preferences.routes import router as preferences_router
from .settings import NotifySettings, get_settings
from .webhooks.routes import router as webhooks_router
from .zalo.routes import router as zalo_router

HERE = Path(__file__).parent
MIGRATIONS = HERE / "migrations"


def create_app(settings: NotifySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    definition = ServiceDefinition(
        settings=settings,
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        title="Lan Toả — thông báo (notify)",
        description="Thư điện tử, Zalo ZNS và webhook, mỗi thông báo đúng một lần. "
        "E-mail, Zalo ZNS and webhooks, exactly once, with a delivery log.",
        emits=(NotificationSent, NotificationFailed),
        subscriptions=subscriptions(settings),
        workers=(Dispatcher, BounceListener),
    )
    app = build_app(
        ServiceRuntime(definition),
        [
            deliveries_router,
            announcements_router,
            preferences_router,
            webhooks_router,
            zalo_router,
            bounces_router,
            pages_router,
        ],
    )
    mount_static(app, HERE / "static")
    return app
