"""The juror's assignments page with 2,000 assigned entries, served by the judging service as
a real process (SQLite, its own nats-server and SeaweedFS). The list comes 100 rows a page,
with the counts of every status over all 2,000. The figure is the p95 of its first page; the
baseline is the p95 of ``/healthz`` on the same server at the same pace (the floor of one HTTP
round trip through the same stack)."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from services.judging.domain.criteria import DEFAULT_CRITERIA
from services.judging.main import MIGRATIONS
from services.judging.models import (
    Assignment,
    ContestView,
    Council,
    CouncilMember,
    EntryView,
    Round,
    RoundEntry,
    Score,
)
from shared.auth import Role
from shared.db import Database
from tests.support.infra import Infra, start_nats, start_s3
from tests.support.keys import sign_token, write_key_pair
from tests.support.stack import Stack

JUROR_PAGE = "juror_assignments_page_2000"
ENTRIES = 2_000
QUICK_ENTRIES = 300
AIM_P95_MS = 100.0
JUROR = "giamkhao@bench.lantoa.vn"


async def _fill(db: Database, entries: int) -> str:
    """One released round whose only juror has every entry; a third of them scored."""
    now = datetime.now(UTC)
    async with db.transaction() as session:
        session.add(
            ContestView(
                contest_id="bench",
                code="BENCH",
                title="Cuộc thi đo tải",
                version=1,
                categories=[
                    {"category_id": "bc", "code": "BC", "name": "Báo in", "award_tiers": []}
                ],
                updated_at=now,
            )
        )
        session.add(
            Council(
                council_id="c", contest_id="bench", kind="preliminary", name="HĐ", created_at=now
            )
        )
        session.add(
            CouncilMember(
                member_id="m",
                council_id="c",
                email=JUROR,
                display_name="Giám khảo đo tải",
                role="juror",
                created_at=now,
            )
        )
        session.add(
            Round(
                round_id="r",
                contest_id="bench",
                council_id="c",
                kind="preliminary",
                name="Vòng sơ khảo",
                criteria=[asdict(c) for c in DEFAULT_CRITERIA],
                jurors_per_entry=1,
                deadline=now + timedelta(days=10),
                blind=True,
                method="mean",
                advance_top_n=10,
                status="released",
                created_at=now,
                released_at=now,
            )
        )
        await session.flush()
        for n in range(entries):
            entry_id = f"e{n:05d}"
            session.add(
                EntryView(
                    entry_id=entry_id,
                    contest_id="bench",
                    category_id="bc",
                    category_code="BC",
                    category_name="Báo in, báo điện tử",
                    code=f"BC-{n:05d}",
                    title=f"Người tốt, việc tốt ở bản {n}",
                    language="vi",
                    version=1,
                    files=[],
                    screened_at=now,
                )
            )
            session.add(RoundEntry(round_id="r", entry_id=entry_id))
            session.add(
                Assignment(
                    assignment_id=f"a{n:05d}",
                    round_id="r",
                    entry_id=entry_id,
                    member_id="m",
                    active=True,
                    created_at=now,
                )
            )
            if n % 3 == 0:
                session.add(
                    Score(
                        assignment_id=f"a{n:05d}",
                        round_id="r",
                        entry_id=entry_id,
                        member_id="m",
                        points={"content": 30, "discovery": 15, "form": 15, "effect": 15},
                        total=75.0,
                        status="submitted",
                        updated_at=now,
                        submitted_at=now,
                    )
                )
    return "r"


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


async def _timed(client: httpx.AsyncClient, url: str, count: int) -> list[float]:
    times: list[float] = []
    for _ in range(count):
        started = time.perf_counter()
        response = await client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise AssertionError(f"{url}: {response.status_code} {response.text[:200]}")
    return times


def juror_page_bench(quick: bool) -> dict[str, Any]:
    entries = QUICK_ENTRIES if quick else ENTRIES
    requests = 40 if quick else 200
    with tempfile.TemporaryDirectory(prefix="lantoa-bench-juror-") as tmp:
        base = Path(tmp)
        nats_server = start_nats(base)
        s3 = start_s3(base)
        infra = Infra(nats_server, s3, *write_key_pair(base / "keys"), base)
        stack = Stack(infra, base)
        try:
            db = Database(f"sqlite+aiosqlite:///{base}/judging.db", None)

            async def prepare() -> str:
                try:
                    await db.migrate(MIGRATIONS)
                    return await _fill(db, entries)
                finally:
                    await db.dispose()

            round_id = asyncio.run(prepare())
            stack.start("judging")
            stack.wait_ready("judging")
            token = sign_token(infra.private_key, roles=[Role.JUROR], email=JUROR, name="GK")

            async def measure() -> tuple[list[float], list[float], int]:
                async with httpx.AsyncClient(
                    base_url=stack.url("judging"), cookies={"lantoa_token": token}, timeout=30
                ) as client:
                    # The list comes a page at a time; count the rows of every page.
                    rows, number = 0, 1
                    while True:
                        page = await client.get(f"/rounds/{round_id}?page={number}")
                        rows += page.text.count('href="/assignments/')
                        if 'rel="next"' not in page.text:
                            break
                        number += 1
                    await _timed(client, f"/rounds/{round_id}", 5)  # warm up
                    ours: list[float] = []
                    floor: list[float] = []
                    for _ in range(requests // 20):  # taking turns
                        ours += await _timed(client, f"/rounds/{round_id}", 20)
                        floor += await _timed(client, "/healthz", 20)
                    return ours, floor, rows

            ours, floor, rows = asyncio.run(measure())
        finally:
            stack.stop_all()
            s3.stop()
            nats_server.stop()
    value, baseline = _p95(ours), _p95(floor)
    return {
        "bench": JUROR_PAGE,
        "value": round(value, 2),
        "unit": "ms",
        "percentile": 95,
        "baseline": round(baseline, 2),
        "ratio": round(baseline / value, 3),
        "ratio_meaning": "baseline / value (higher is better; the baseline is GET /healthz)",
        "aim_p95_ms": AIM_P95_MS,
        "within_aim": value <= AIM_P95_MS,
        "assigned_entries": entries,
        "rows_over_all_pages": rows,
        "requests": len(ours),
        "median_ms": round(statistics.median(ours), 2),
    }
