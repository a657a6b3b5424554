"""Judging's part of the `make up` demo: for the demo contest (once its ContestPublished has
arrived), a preliminary council whose subcommittees cover every category with the demo jurors,
a final council and a preliminary round; once the demo entries the secretariat accepted have
arrived too, the round is assigned and released, so the demo jurors find work waiting. The
previous edition (the contest a year older) is judged to approved results (demo_results).
Running it again changes nothing."""

from __future__ import annotations

import asyncio
import re
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, Role
from shared.contracts.judging import RoundKind
from shared.db import Database
from shared.logs import get_logger
from shared.messaging.outbox import Outbox

from .councils.schemas import CouncilIn, MemberIn, MemberRole
from .councils.service import add_member, create_council
from .domain.aggregates import RankingMethod
from .domain.criteria import DEFAULT_CRITERIA
from .models import Base, ContestView, Council, EntryView, Round
from .rounds.assignment import assign
from .rounds.schemas import CriterionIn, RoundIn
from .rounds.service import create_round, release
from .settings import JudgingSettings

log = get_logger("lantoa.seed")

SEEDER = Principal(
    account_id="seed",
    email="thuky@demo.lantoa.vn",
    display_name="Tổ Thư ký (dữ liệu mẫu)",
    roles=frozenset({Role.SECRETARIAT}),
)
# The demo accounts of the submissions seed that sit on the councils.
DEMO_JURORS = (
    ("giamkhao1@demo.lantoa.vn", "Lương Văn Minh", "Báo Lạng Sơn"),
    ("giamkhao2@demo.lantoa.vn", "Nông Thị Lan", "Đài Phát thanh và Truyền hình Lạng Sơn"),
    ("giamkhao3@demo.lantoa.vn", "Vi Đức Thắng", "Hội Nhà báo tỉnh Lạng Sơn"),
)
CHAIR = ("bantochuc@demo.lantoa.vn", "Ban Tổ chức cuộc thi", "Sở Thông tin và Truyền thông")
# How many entries the submissions seed accepts (services/submissions/demo_entries.py); judging
# cannot import it, and they reach it by the bus once the services run.
DEMO_ENTRIES = 6


# The submissions seed makes two editions, LS<yy> and the one a year before; both arrive by the
# bus, the current one first.
DEMO_CODE = re.compile(r"^LS[0-9]{2}$")
EDITIONS = 2


async def _demo_contests(db: Database, wait_seconds: float) -> list[ContestView]:
    """The demo editions judging holds, newest first, waiting up to `wait_seconds` for both."""
    deadline = asyncio.get_running_loop().time() + wait_seconds
    while True:
        async with db.reading() as session:
            found = (
                await session.scalars(
                    sa.select(ContestView)
                    .where(ContestView.code.like("LS%"))
                    .order_by(ContestView.code.desc())
                )
            ).all()
        contests = [c for c in found if DEMO_CODE.match(c.code)]
        if len(contests) >= EDITIONS or asyncio.get_running_loop().time() > deadline:
            return contests
        await asyncio.sleep(0.5)


def previous_code(code: str) -> str:
    """LS26 → LS25: the code of the edition a year before."""
    return f"LS{(int(code[2:]) - 1) % 100:02d}"


def _phase_end(contest: ContestView, kind: str) -> datetime | None:
    for phase in contest.phases:
        if phase["kind"] == kind:
            return datetime.fromisoformat(phase["ends_at"]).astimezone(UTC)
    return None


async def seed_demo(settings: JudgingSettings, wait_seconds: float = 60.0) -> None:
    db = Database(settings.effective_database_url, settings.database_schema)
    try:
        contests = await _demo_contests(db, wait_seconds)
        if not contests:
            raise SystemExit("the demo contest has not reached judging (is submissions seeded?)")
        contest = contests[0]
        round_id = await _councils_and_round(db, contest)
        await _assign_and_release(db, settings, round_id, wait_seconds)
        previous = next((c for c in contests if c.code == previous_code(contest.code)), None)
        if previous is None:
            log.warning("the demo's previous edition has not reached judging; not judged")
            return
        from .demo_results import judge_previous_edition

        await judge_previous_edition(db, settings, previous, wait_seconds)
    finally:
        await db.dispose()


async def demo_councils(session: AsyncSession, contest: ContestView) -> tuple[Council, Council]:
    """The demo's preliminary and final councils of the contest: the organizer chairs, the
    three demo jurors sit on both."""
    preliminary = await create_council(
        session,
        SEEDER,
        contest.contest_id,
        CouncilIn(kind=RoundKind.PRELIMINARY, name="Hội đồng sơ khảo"),
    )
    final = await create_council(
        session,
        SEEDER,
        contest.contest_id,
        CouncilIn(kind=RoundKind.FINAL, name="Hội đồng chung khảo"),
    )
    await session.flush()
    for council in (preliminary, final):
        await add_member(
            session,
            SEEDER,
            council.council_id,
            MemberIn(
                email=CHAIR[0],
                display_name=CHAIR[1],
                organisation=CHAIR[2],
                role=MemberRole.CHAIR,
            ),
        )
        for email, name, organisation in DEMO_JURORS:
            # Few demo jurors: each scores every category (no subcommittee).
            await add_member(
                session,
                SEEDER,
                council.council_id,
                MemberIn(email=email, display_name=name, organisation=organisation),
            )
    return preliminary, final


async def _councils_and_round(db: Database, contest: ContestView) -> str:
    """The demo councils and preliminary round, made on the first run; the round's id."""
    async with db.transaction() as session:
        if await session.scalar(
            sa.select(Council.council_id).where(Council.contest_id == contest.contest_id)
        ):
            log.info("demo councils already there")
            round_id = await session.scalar(
                sa.select(Round.round_id)
                .where(
                    Round.contest_id == contest.contest_id,
                    Round.kind == RoundKind.PRELIMINARY.value,
                )
                .order_by(Round.created_at)
                .limit(1)
            )
            if round_id is None:
                raise SystemExit("the demo contest has councils but no preliminary round")
            return str(round_id)
        preliminary, _ = await demo_councils(session, contest)
        deadline = _phase_end(contest, "preliminary_round") or datetime.now(UTC) + timedelta(
            days=14
        )
        round_ = await create_round(
            session,
            SEEDER,
            contest.contest_id,
            RoundIn(
                council_id=preliminary.council_id,
                kind=RoundKind.PRELIMINARY,
                name="Vòng sơ khảo",
                criteria=[CriterionIn(**asdict(c)) for c in DEFAULT_CRITERIA],
                jurors_per_entry=2,
                deadline=max(deadline, datetime.now(UTC) + timedelta(days=7)),
                blind=True,
                method=RankingMethod.MEAN,
                advance_top_n=3,
            ),
        )
    log.info("demo councils and round created", contest=contest.code)
    return round_.round_id


async def accepted_entries(db: Database, contest_id: str, wanted: int, wait_seconds: float) -> int:
    """How many accepted entries of the contest judging holds, waiting up to `wait_seconds`
    for `wanted` of them (they arrive by the bus)."""
    deadline = asyncio.get_running_loop().time() + wait_seconds
    while True:
        async with db.reading() as session:
            count = int(
                await session.scalar(
                    sa.select(sa.func.count())
                    .select_from(EntryView)
                    .where(EntryView.contest_id == contest_id, EntryView.status == "accepted")
                )
                or 0
            )
        if count >= wanted or asyncio.get_running_loop().time() > deadline:
            return count
        await asyncio.sleep(0.5)


async def _assign_and_release(
    db: Database, settings: JudgingSettings, round_id: str, wait_seconds: float
) -> None:
    """Assign the demo round and release it to the jurors, once; a round the secretariat has
    already taken further (or assigned by hand) is left as it is."""
    async with db.reading() as session:
        round_ = await session.get(Round, round_id)
    assert round_ is not None
    if round_.status != "draft":
        log.info("demo round already assigned", status=round_.status)
        return
    count = await accepted_entries(db, round_.contest_id, DEMO_ENTRIES, wait_seconds)
    if count < DEMO_ENTRIES:
        # Not fatal: the secretariat can assign from the judging pages once entries arrive,
        # and the next `make up` tries again.
        log.warning("demo entries not all in judging yet; round left unassigned", found=count)
        return
    outbox = Outbox(Base.metadata.tables["outbox"])
    async with db.transaction() as session:
        assigned = await assign(session, SEEDER, round_id)
        await release(session, outbox, SEEDER, round_id, settings.public_url)
    log.info(
        "demo round assigned and released",
        entries=count,
        assignments=assigned.assignments,
        balanced=assigned.balanced,
    )
