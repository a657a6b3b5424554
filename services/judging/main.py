"""Judging service entry point: wiring only."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from shared.contracts.judging import (
    JurorAssigned,
    JurorReminderRequested,
    ResultsApproved,
    RoundClosed,
    ScoreSubmitted,
)
from shared.pages.rendering import mount_static
from shared.runtime import ServiceDefinition, ServiceRuntime
from shared.web import build_app

from .ballots.routes import router as ballots_router
from .councils.routes import router as councils_router
from .handlers import SUBSCRIPTIONS
from .models import Base
from .pages import router as pages_router
from .reminders.worker import ReminderClock
from .results.routes import router as results_router
from .rounds.routes import router as rounds_router
from .routes import router as projection_router
from .scoring.routes import router as juror_router
from .settings import JudgingSettings, get_settings

HERE = Path(__file__).parent
MIGRATIONS = HERE / "migrations"


def create_app(settings: JudgingSettings | None = None) -> FastAPI:
    definition = ServiceDefinition(
        settings=settings or get_settings(),
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        title="Lan Toả — chấm thi (judging)",
        description="Hội đồng, phân công chấm, chấm điểm, bỏ phiếu và kết quả. "
        "Councils, assignment, scoring, ballots and results.",
        emits=(JurorAssigned, ScoreSubmitted, RoundClosed, JurorReminderRequested, ResultsApproved),
        subscriptions=SUBSCRIPTIONS,
        workers=[ReminderClock],
    )
    app = build_app(
        ServiceRuntime(definition),
        [
            projection_router,
            councils_router,
            rounds_router,
            juror_router,
            ballots_router,
            results_router,
            pages_router,
        ],
    )
    mount_static(app, HERE / "static")
    return app
