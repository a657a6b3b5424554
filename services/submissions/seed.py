"""The demo contest of `make up`, after the Lạng Sơn plan: a writing and reportage contest on
advanced exemplars, "good people, good deeds", with its committee, secretariat, jurors and a
contestant, and six entries by other demo authors, already accepted (demo_entries). Running it
again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from shared.auth import Role
from shared.contracts.base import utc_now
from shared.contracts.submissions import (
    AwardTier,
    CategoryRules,
    Eligibility,
    MediaKind,
    Phase,
    PhaseKind,
)
from shared.db import Database
from shared.logs import get_logger
from shared.messaging.outbox import Outbox

from .accounts.service import create_account, find_account
from .contests.schemas import CategoryIn, ContestIn
from .contests.service import create_contest, publish_contest
from .models import Base, Contest
from .settings import SubmissionsSettings

log = get_logger("lantoa.seed")

DEMO_PASSWORD = "LanToa@2026"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MiB = 1 << 20
GiB = 1 << 30


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    what: str


DEMO_ACCOUNTS = (
    DemoAccount(
        "bantochuc@demo.lantoa.vn",
        "Ban Tổ chức cuộc thi",
        Role.ORGANIZER,
        "Ban tổ chức / organizer",
    ),
    DemoAccount(
        "thuky@demo.lantoa.vn", "Hoàng Thu Hà", Role.SECRETARIAT, "Tổ thư ký / secretariat"
    ),
    DemoAccount("giamkhao1@demo.lantoa.vn", "Lương Văn Minh", Role.JUROR, "Giám khảo / juror"),
    DemoAccount("giamkhao2@demo.lantoa.vn", "Nông Thị Lan", Role.JUROR, "Giám khảo / juror"),
    DemoAccount("giamkhao3@demo.lantoa.vn", "Vi Đức Thắng", Role.JUROR, "Giám khảo / juror"),
    DemoAccount("tacgia@demo.lantoa.vn", "Lộc Thị Mai", Role.CONTESTANT, "Tác giả / contestant"),
)
SECRETARIAT = next(a.email for a in DEMO_ACCOUNTS if a.role is Role.SECRETARIAT)


def _day(d: datetime, hour: int = 0) -> datetime:
    return datetime.combine(d.date(), time(hour), tzinfo=TZ).astimezone(UTC)


def _tiers(first: int) -> list[AwardTier]:
    return [
        AwardTier(code="A", name="Giải A", quota=1, prize_vnd=first),
        AwardTier(code="B", name="Giải B", quota=2, prize_vnd=first * 7 // 10),
        AwardTier(code="C", name="Giải C", quota=3, prize_vnd=first // 2),
        AwardTier(code="KK", name="Giải Khuyến khích", quota=4, prize_vnd=first // 5),
    ]


def demo_contest(now: datetime) -> ContestIn:
    """Dates around today, so that a new user finds submissions open."""
    start = now.astimezone(TZ) - timedelta(days=30)

    def phase(kind: PhaseKind, begin: int, end: int) -> Phase:
        return Phase(
            kind=kind,
            starts_at=_day(start + timedelta(days=begin)),
            ends_at=_day(start + timedelta(days=end), 17),
        )

    year = start.year
    return ContestIn(
        code=f"LS{year % 100:02d}",
        title="Cuộc thi viết, làm phóng sự về điển hình tiên tiến, mô hình mới, gương người tốt, "
        f"việc tốt trên địa bàn tỉnh Lạng Sơn năm {year}",
        theme="Tuyên truyền, nhân rộng điển hình tiên tiến; lan toả gương người tốt, việc tốt, "
        "tập thể, cá nhân điển hình tiên tiến trên địa bàn tỉnh (Kế hoạch triển khai Đề án "
        "“Tuyên truyền gương điển hình tiên tiến giai đoạn 2022 - 2025”).",
        organizer="Sở Thông tin và Truyền thông tỉnh Lạng Sơn",
        phases=[
            phase(PhaseKind.ANNOUNCEMENT, 0, 1),
            phase(PhaseKind.SUBMISSION, 0, 90),
            phase(PhaseKind.SCREENING, 91, 100),
            phase(PhaseKind.PRELIMINARY_ROUND, 101, 115),
            phase(PhaseKind.FINAL_ROUND, 116, 125),
            phase(PhaseKind.RESULTS, 126, 130),
            phase(PhaseKind.CEREMONY, 135, 135),
            phase(PhaseKind.PUBLICATION, 135, 180),
        ],
        categories=[
            CategoryIn(
                code="BC",
                name="Báo in, báo điện tử",
                rules=CategoryRules(
                    allowed_kinds=(MediaKind.TEXT, MediaKind.IMAGE),
                    max_files=5,
                    max_file_bytes=50 * MiB,
                    max_words=2500,
                    max_series_parts=5,
                ),
                award_tiers=_tiers(10_000_000),
            ),
            CategoryIn(
                code="PT",
                name="Phát thanh",
                rules=CategoryRules(
                    allowed_kinds=(MediaKind.AUDIO, MediaKind.TEXT),
                    max_files=3,
                    max_file_bytes=500 * MiB,
                    max_duration_seconds=15 * 60,
                    max_series_parts=3,
                ),
                award_tiers=_tiers(10_000_000),
            ),
            CategoryIn(
                code="TH",
                name="Truyền hình",
                rules=CategoryRules(
                    allowed_kinds=(MediaKind.VIDEO, MediaKind.TEXT),
                    max_files=3,
                    max_file_bytes=8 * GiB,
                    max_duration_seconds=20 * 60,
                    max_series_parts=3,
                ),
                award_tiers=_tiers(10_000_000),
            ),
            CategoryIn(
                code="AN",
                name="Ảnh",
                rules=CategoryRules(
                    allowed_kinds=(MediaKind.IMAGE,),
                    max_files=10,
                    max_file_bytes=30 * MiB,
                    min_images=3,
                ),
                award_tiers=_tiers(5_000_000),
            ),
        ],
        eligibility=Eligibility(
            entries_per_author=3,
            languages=("vi", "tay", "nung", "dao"),
            published_from=start.date().replace(month=1, day=1),
            published_until=(start + timedelta(days=90)).date(),
            unpublished_allowed=True,
        ),
        prize_budget_vnd=200_000_000,
    )


async def seed_demo(settings: SubmissionsSettings) -> None:
    # Imported here: `make up` and the tests import this module for the accounts alone.
    from .demo_entries import DEMO_AUTHORS, add_demo_entries
    from .main import MIGRATIONS

    # The demo entries' authors are not in the banner (it stays short); tacgia@ is not one of
    # them, so whoever signs in as the demo contestant starts with no entry and a whole quota.
    contestants = [
        DemoAccount(a.email, a.full_name, Role.CONTESTANT, "Tác giả bài mẫu / demo author")
        for a in DEMO_AUTHORS
    ]

    db = Database(settings.effective_database_url, settings.database_schema)
    try:
        await db.migrate(MIGRATIONS)
        outbox = Outbox(Base.metadata.tables["outbox"])
        now = utc_now()
        async with db.transaction() as session:
            for demo in (*DEMO_ACCOUNTS, *contestants):
                if await find_account(session, demo.email) is None:
                    await create_account(
                        session,
                        email=demo.email,
                        password=DEMO_PASSWORD,
                        display_name=demo.name,
                        roles=[demo.role],
                    )
            data = demo_contest(now)
            contest_id = await session.scalar(
                sa.select(Contest.contest_id).where(Contest.code == data.code)
            )
            if contest_id is None:
                contest = await create_contest(session, data)
                await publish_contest(session, outbox, contest.contest_id, None)
                contest_id = contest.contest_id
                log.info("demo contest created", code=data.code)
            else:
                log.info("demo contest already there", code=data.code)
        made = await add_demo_entries(settings, contest_id, SECRETARIAT, now)
        log.info("demo entries", created=made, code=data.code)
    finally:
        await db.dispose()
