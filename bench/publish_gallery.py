"""The public winners' gallery and the ninjs feed with 500 winners, served by the publish
service as a real process (SQLite, its own nats-server and SeaweedFS), under concurrent load.
The figures are requests per second (and the p99 latency) of the gallery page and of the first
page of ``/feeds/ninjs.json``; the baseline is ``/healthz`` on the same server under the same
load (the floor of one HTTP round trip through the same stack)."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from services.publish.domain.site import download_name, tier_order
from services.publish.main import MIGRATIONS
from services.publish.models import PublicContest
from services.publish.news.models import NewsItem
from services.publish.winners.models import WinningWork
from shared.db import Database
from tests.support.infra import Infra, start_nats, start_s3
from tests.support.keys import write_key_pair
from tests.support.stack import Stack

GALLERY = "publish_gallery_500"
NINJS = "publish_ninjs_500"
PUBLISH_BENCHES = (GALLERY, NINJS)
WINNERS = 500
QUICK_WINNERS = 100
CATEGORIES = (
    ("BC", "Báo in, báo điện tử"),
    ("TH", "Truyền hình"),
    ("PT", "Phát thanh"),
    ("AN", "Ảnh"),
)
TIERS = (("A", "Giải A"), ("B", "Giải B"), ("C", "Giải C"), ("KK", "Khuyến khích"))
FILES = {
    "BC": ("text", "application/pdf"),
    "TH": ("video", "video/mp4"),
    "PT": ("audio", "audio/mpeg"),
    "AN": ("photo", "image/jpeg"),
}


async def _fill(db: Database, winners: int) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as session:
        session.add(
            PublicContest(
                contest_id="bench",
                code="BENCH",
                title="Cuộc thi viết về gương người tốt, việc tốt (đo tải)",
                theme="Lan toả những tấm gương bình dị",
                organizer="Sở Thông tin và Truyền thông",
                timezone="Asia/Ho_Chi_Minh",
                version=1,
                phases=[
                    {
                        "kind": "results",
                        "starts_at": (now - timedelta(days=1)).isoformat(),
                        "ends_at": (now + timedelta(days=9)).isoformat(),
                    }
                ],
                categories=[{"code": c, "name": n, "tiers": []} for c, n in CATEGORIES],
                updated_at=now,
                rules_html="<p>Thể lệ</p>",
                prize_budget_vnd=500_000_000,
                eligibility=None,
            )
        )
        for n in range(winners):
            category, category_name = CATEGORIES[n % len(CATEGORIES)]
            tier, tier_name = TIERS[(n // len(CATEGORIES)) % len(TIERS)]
            kind, media_type = FILES[category]
            code = f"{category}-{n:03d}"
            files = [
                {
                    "kind": kind,
                    "media_type": media_type,
                    "size_bytes": 5_000_000 + n,
                    "object_key": f"bench/{code}/1",
                    "text_key": f"bench/{code}/1.txt" if kind == "text" else None,
                    "duration_s": 312.5 if kind in ("audio", "video") else None,
                    "download_name": download_name(code, 1, media_type),
                }
            ]
            session.add(
                WinningWork(
                    entry_id=f"entry-{n:04d}",
                    contest_id="bench",
                    contest_code="BENCH",
                    contest_title="Cuộc thi viết về gương người tốt, việc tốt (đo tải)",
                    code=code,
                    title=f"Người tốt, việc tốt ở bản Khòn Pổ số {n}",
                    category_code=category,
                    category_name=category_name,
                    tier_code=tier,
                    tier_name=tier_name,
                    tier_order=tier_order(tier),
                    position=n,
                    prize_vnd=5_000_000,
                    language="vi",
                    synopsis="Chuyện về người thầy giáo cắm bản ở xã Khánh Khê, huyện Văn Quan.",
                    exemplars=[{"name": "Hoàng Văn Thụ", "exemplar_id": f"GD-{n % 50:04d}"}],
                    authors=[
                        {
                            "full_name": f"Nguyễn Thị Hoà {n}",
                            "pen_name": "",
                            "organisation": "Báo Lạng Sơn",
                        }
                    ],
                    district="Văn Quan",
                    publication={"outlet": "Báo Lạng Sơn", "url": None, "published_on": None},
                    consent=n % 5 != 0,
                    files=files,
                    body_text=("Đoạn văn có dấu tiếng Việt. " * 40 + "\n\n") * 6
                    if kind == "text"
                    else None,
                    prepared_at=now,
                    approved_at=now,
                    snapshot_hash="b" * 64,
                    content_hash=f"{n:064d}",
                    retracted_at=None,
                    retraction_reason=None,
                    updated_at=now - timedelta(seconds=n),
                )
            )
        for n in range(10):
            session.add(
                NewsItem(
                    news_id=f"news-{n}",
                    contest_id="bench",
                    slug=f"tin-{n}",
                    title=f"Tin số {n}",
                    summary="Tóm tắt",
                    body_html="<p>Nội dung</p>",
                    author_name="Ban tổ chức",
                    published_at=now - timedelta(hours=n),
                    updated_at=now - timedelta(hours=n),
                    withdrawn_at=None,
                )
            )


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


async def _load(
    client: httpx.AsyncClient, url: str, workers: int, per_worker: int
) -> tuple[float, list[float]]:
    """``workers`` clients at once, each asking ``per_worker`` times: (requests/s, latencies)."""
    times: list[float] = []

    async def worker() -> None:
        for _ in range(per_worker):
            started = time.perf_counter()
            response = await client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise AssertionError(f"{url}: {response.status_code} {response.text[:200]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return len(times) / (time.perf_counter() - started), times


def _line(
    name: str,
    url: str,
    winners: int,
    workers: int,
    ours: tuple[float, list[float]],
    floor: tuple[float, list[float]],
    size: int,
) -> dict[str, Any]:
    rps, times = ours
    base_rps, base_times = floor
    return {
        "bench": name,
        "value": float(f"{rps:.4g}"),
        "unit": "req/s",
        "baseline": float(f"{base_rps:.4g}"),
        "ratio": float(f"{rps / base_rps:.4g}"),
        "ratio_meaning": "value / baseline (higher is better; the baseline is GET /healthz "
        "under the same load)",
        "url": url,
        "winners": winners,
        "concurrency": workers,
        "requests": len(times),
        "p99_ms": float(f"{_p99(times):.4g}"),
        "median_ms": float(f"{statistics.median(times):.4g}"),
        "baseline_p99_ms": float(f"{_p99(base_times):.4g}"),
        "response_bytes": size,
    }


def publish_gallery_bench(
    quick: bool, only: tuple[str, ...] = PUBLISH_BENCHES
) -> list[dict[str, Any]]:
    winners = QUICK_WINNERS if quick else WINNERS
    workers = 8 if quick else 32
    per_worker = 5 if quick else 25
    with tempfile.TemporaryDirectory(prefix="lantoa-bench-publish-") as tmp:
        base = Path(tmp)
        nats_server = start_nats(base)
        s3 = start_s3(base)
        infra = Infra(nats_server, s3, *write_key_pair(base / "keys"), base)
        stack = Stack(infra, base)
        try:
            db = Database(f"sqlite+aiosqlite:///{base}/publish.db", None)

            async def prepare() -> None:
                try:
                    await db.migrate(MIGRATIONS)
                    await _fill(db, winners)
                finally:
                    await db.dispose()

            asyncio.run(prepare())
            stack.start("publish")
            stack.wait_ready("publish")
            targets = {GALLERY: "/cuoc-thi/BENCH/giai-thuong", NINJS: "/feeds/ninjs.json"}

            async def measure() -> list[dict[str, Any]]:
                limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
                async with httpx.AsyncClient(
                    base_url=stack.url("publish"), timeout=60, limits=limits
                ) as client:
                    lines = []
                    for name in only:
                        url = targets[name]
                        page = await client.get(url)
                        if name == GALLERY and page.text.count('class="work-card"') != winners:
                            raise AssertionError("the gallery does not show every winner")
                        await _load(client, url, workers, 2)  # warm up
                        await _load(client, "/healthz", workers, 2)
                        ours = await _load(client, url, workers, per_worker)
                        floor = await _load(client, "/healthz", workers, per_worker)
                        lines.append(
                            _line(name, url, winners, workers, ours, floor, len(page.content))
                        )
                    return lines

            return asyncio.run(measure())
        finally:
            stack.stop_all()
            s3.stop()
            nats_server.stop()
