"""Submissions service entry point: wiring only."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from shared.contracts.submissions import ContestPublished, EntrySubmitted, MediaVerified
from shared.runtime import ServiceDefinition, ServiceRuntime
from shared.web import build_app

from .accounts.routes import router as accounts_router
from .accounts.tokens import TokenIssuer
from .contests.routes import router as contests_router
from .entries.routes import router as entries_router
from .models import Base
from .pages import router as pages_router
from .settings import SubmissionsSettings, get_settings

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: SubmissionsSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    definition = ServiceDefinition(
        settings=settings,
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        title="Lan Toả — nhận bài dự thi (submissions)",
        description="Cuộc thi, tài khoản, bài dự thi, tải tệp và kiểm tra. "
        "Contests, accounts, entries, uploads and verification.",
        emits=(ContestPublished, EntrySubmitted, MediaVerified),
    )
    app = build_app(
        ServiceRuntime(definition),
        [accounts_router, contests_router, entries_router, pages_router],
    )
    app.state.token_issuer = TokenIssuer(
        settings.auth_private_key_file,
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        ttl=timedelta(minutes=settings.token_ttl_minutes),
    )
    return app
