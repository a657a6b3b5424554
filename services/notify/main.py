"""Notify service entry point: wiring only."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from shared.contracts.notify import NotificationFailed, NotificationSent
from shared.runtime import ServiceDefinition, ServiceRuntime
from shared.web import build_app

from .dispatcher import Dispatcher
from .handlers import subscriptions
from .models import Base
from .routes import router
from .settings import NotifySettings, get_settings

MIGRATIONS = Path(__file__).parent / "migrations"


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
        workers=(Dispatcher,),
    )
    return build_app(ServiceRuntime(definition), [router])
