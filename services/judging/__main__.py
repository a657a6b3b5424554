"""Judging: councils, blind assignment, scoring, ballots, results. Keeps its own projection of
contests and entries, built from submissions' events."""

from shared.cli import run_service_cli

from .audit.command import verify_audit_command
from .main import MIGRATIONS, create_app
from .seed import seed_demo
from .settings import get_settings

run_service_cli(
    settings_factory=get_settings,
    app_factory=create_app,
    migrations=MIGRATIONS,
    commands={
        "verify-audit": (
            "check the audit chain and recompute scores and results from it (exit 1 on a finding)",
            verify_audit_command,
        ),
        "seed-demo": (
            "demo councils and a round to score; last edition judged and approved (idempotent)",
            seed_demo,
        ),
    },
)
