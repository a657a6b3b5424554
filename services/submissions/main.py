"""Submissions service entry point: wiring only."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from shared.contracts.submissions import (
    AccountEmailRequested,
    ContestPublished,
    EntryScreened,
    EntrySubmitted,
    EntryWithdrawn,
    MediaVerified,
    UploadCompleted,
)
from shared.pages.rendering import mount_static
from shared.runtime import ServiceDefinition, ServiceRuntime
from shared.web import build_app

from .accounts.routes import router as accounts_router
from .accounts.session import install_session_renewal
from .accounts.tokens import TokenIssuer
from .contests.routes import router as contests_router
from .entries.routes import router as entries_router
from .models import Base
from .pages import router as pages_router
from .screening.routes import router as screening_router
from .settings import SubmissionsSettings, get_settings
from .uploads.routes import router as uploads_router
from .uploads.sweeper import UploadSweeper
from .verification.verifier import Verifier

HERE = Path(__file__).parent
MIGRATIONS = HERE / "migrations"


def create_app(settings: SubmissionsSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    verifier = Verifier(
        settings.verify_scratch_dir,
        settings.verify_time_limit_seconds,
        settings.verify_concurrency,
    )
    definition = ServiceDefinition(
        settings=settings,
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        title="Lan Toả — nhận bài dự thi (submissions)",
        description="Cuộc thi, tài khoản, bài dự thi, tải tệp, kiểm tra và sơ duyệt. "
        "Contests, accounts, entries, uploads, verification and screening.",
        emits=(
            ContestPublished,
            EntrySubmitted,
            EntryWithdrawn,
            UploadCompleted,
            MediaVerified,
            EntryScreened,
            AccountEmailRequested,
        ),
        subscriptions=[verifier.subscription()] if settings.run_verifier else [],
        workers=[UploadSweeper, lambda _: verifier],
    )
    runtime = ServiceRuntime(definition)
    verifier.bind(runtime)
    app = build_app(
        runtime,
        [
            accounts_router,
            contests_router,
            entries_router,
            uploads_router,
            screening_router,
            pages_router,
        ],
    )
    mount_static(app, HERE / "static")
    app.state.token_issuer = TokenIssuer(
        settings.auth_private_key_file,
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        ttl=timedelta(minutes=settings.token_ttl_minutes),
        cookie_domain=settings.cookie_domain,
    )
    install_session_renewal(app, runtime, timedelta(hours=settings.session_hours))
    return app
