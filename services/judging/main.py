"""Judging service entry point: wiring only."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from shared.runtime import ServiceDefinition, ServiceRuntime
from shared.web import build_app

from .handlers import SUBSCRIPTIONS
from .models import Base
from .routes import router
from .settings import JudgingSettings, get_settings

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: JudgingSettings | None = None) -> FastAPI:
    definition = ServiceDefinition(
        settings=settings or get_settings(),
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        title="Lan Toả — chấm thi (judging)",
        description="Hội đồng, phân công chấm, chấm điểm, bỏ phiếu và kết quả. "
        "Councils, assignment, scoring, ballots and results.",
        subscriptions=SUBSCRIPTIONS,
    )
    return build_app(ServiceRuntime(definition), [router])
