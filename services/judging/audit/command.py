"""``python -m services.judging verify-audit``: the operator's check of the audit log."""

from __future__ import annotations

import json

from shared.db import Database

from ..settings import JudgingSettings
from .verify import verify_audit


async def verify_audit_command(settings: JudgingSettings) -> None:
    db = Database(settings.effective_database_url, settings.database_schema)
    try:
        async with db.reading() as session:
            report = await verify_audit(session)
    finally:
        await db.dispose()
    print(
        json.dumps(
            {
                "ok": report.ok,
                "records": report.records,
                "scores_checked": report.scores_checked,
                "snapshots_checked": report.snapshots_checked,
                "problems": report.problems,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    if not report.ok:
        raise SystemExit(1)
