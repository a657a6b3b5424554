"""The demo contest of `make up`, after the Lạng Sơn plan: a writing and reportage contest on
advanced exemplars, "good people, good deeds", with its committee, secretariat, jurors and a
contestant, and six entries by other demo authors, already accepted (demo_entries). Beside it,
the previous edition (the year before), whose five accepted entries judging's seed takes to
approved results, so that the public gallery has winners. Running it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
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
from .contests.service import change_contest, create_contest, publish_contest
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
ORGANIZER = next(a.email for a in DEMO_ACCOUNTS if a.role is Role.ORGANIZER)


def _day(d: datetime, hour: int = 0) -> datetime:
    return datetime.combine(d.date(), time(hour), tzinfo=TZ).astimezone(UTC)


def _tiers(first: int) -> list[AwardTier]:
    return [
        AwardTier(code="A", name="Giải A", quota=1, prize_vnd=first),
        AwardTier(code="B", name="Giải B", quota=2, prize_vnd=first * 7 // 10),
        AwardTier(code="C", name="Giải C", quota=3, prize_vnd=first // 2),
        AwardTier(code="KK", name="Giải Khuyến khích", quota=4, prize_vnd=first // 5),
    ]


def _categories() -> list[CategoryIn]:
    """The four categories of both editions: press, radio, television and photography."""
    return [
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
        categories=_categories(),
        eligibility=Eligibility(
            entries_per_author=3,
            languages=("vi", "tay", "nung", "dao"),
            published_from=start.date().replace(month=1, day=1),
            published_until=(start + timedelta(days=90)).date(),
            unpublished_allowed=True,
        ),
        prize_budget_vnd=200_000_000,
    )


def previous_year(now: datetime) -> int:
    """The year of the previous edition: the one before the current demo contest's."""
    return (now.astimezone(TZ) - timedelta(days=30)).year - 1


def previous_contest(now: datetime) -> ContestIn:
    """The previous edition, as it ran: every phase in its year, so all of them are over."""
    current = demo_contest(now)
    year = previous_year(now)

    def phase(kind: PhaseKind, begin: tuple[int, int], end: tuple[int, int]) -> Phase:
        return Phase(
            kind=kind,
            starts_at=_day(datetime(year, *begin)),
            ends_at=_day(datetime(year, *end), 17),
        )

    return current.model_copy(
        update={
            "code": f"LS{year % 100:02d}",
            "title": current.title.replace(str(year + 1), str(year)),
            "phases": [
                phase(PhaseKind.ANNOUNCEMENT, (3, 3), (3, 5)),
                phase(PhaseKind.SUBMISSION, (3, 3), (8, 31)),
                phase(PhaseKind.SCREENING, (9, 3), (9, 12)),
                phase(PhaseKind.PRELIMINARY_ROUND, (9, 15), (9, 30)),
                phase(PhaseKind.FINAL_ROUND, (10, 6), (10, 17)),
                phase(PhaseKind.RESULTS, (10, 20), (10, 24)),
                phase(PhaseKind.CEREMONY, (11, 7), (11, 7)),
                phase(PhaseKind.PUBLICATION, (11, 7), (12, 31)),
            ],
            "eligibility": current.eligibility.model_copy(
                update={
                    "published_from": date(year, 1, 1),
                    "published_until": date(year, 8, 31),
                }
            ),
        }
    )


def _still_open(data: ContestIn, now: datetime) -> ContestIn:
    """The same edition with submissions open until tomorrow: the service takes entries only
    while they are open, so the demo works go in that way and the edition's own calendar
    follows as a change with its reason (RESCHEDULED)."""
    phases = [
        p.model_copy(update={"ends_at": now + timedelta(days=1)})
        if p.kind is PhaseKind.SUBMISSION
        else p
        for p in data.phases
    ]
    return data.model_copy(update={"phases": phases})


RESCHEDULED = (
    "Dữ liệu mẫu: lịch thực tế của kỳ trước, đặt lại sau khi các bài mẫu đã được nộp. "
    "/ Demo data: the previous edition's own calendar, set once the demo works were entered."
)


async def seed_demo(settings: SubmissionsSettings) -> None:
    # Imported here: `make up` and the tests import this module for the accounts alone.
    from .demo_entries import DEMO_AUTHORS, add_demo_entries, previous_entries
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

        # The previous edition: entered while open, then its own (past) calendar.
        past = previous_contest(now)
        async with db.transaction() as session:
            previous = await session.scalar(sa.select(Contest).where(Contest.code == past.code))
            if previous is None:
                previous = await create_contest(session, _still_open(past, now))
                await publish_contest(session, outbox, previous.contest_id, None)
                log.info("demo previous edition created", code=past.code)
            previous_id = previous.contest_id
            finished = previous.phases == [p.model_dump(mode="json") for p in past.phases]
        if finished:
            log.info("demo previous edition already there", code=past.code)
            return
        made = await add_demo_entries(
            settings, previous_id, SECRETARIAT, now, previous_entries(previous_year(now))
        )
        log.info("demo entries", created=made, code=past.code)
        async with db.transaction() as session:
            await change_contest(session, outbox, previous_id, past, RESCHEDULED, ORGANIZER)
        log.info("demo previous edition closed", code=past.code)
    finally:
        await db.dispose()
