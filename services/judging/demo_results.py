"""The previous edition of the `make up` demo, judged to the end through judging's own service
functions, so that ResultsApproved reaches the bus and the public winners' gallery and the
outlets have something to show.

Once its five accepted entries have arrived: the demo councils; the preliminary round assigned,
released, every assignment scored by the demo jurors (fixed scores) and closed; the final round
over the entries it advanced, assigned, released and scored, its secret ballot opened, cast by
the three jurors and closed; the final round closed and its results approved by the organizer.
All of it in one transaction, so a run either leaves the edition approved or untouched; a run
that finds councils in the edition (judged already, or set up by hand) changes nothing.

The rounds run now (the service takes scores only before a round's deadline, which must lie in
the future when the round is made): their deadlines are an hour ahead and they plan no
reminders. The jurors are told of each release by e-mail, as in any round.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, Role
from shared.contracts.base import utc_now
from shared.contracts.judging import RoundKind
from shared.db import Database
from shared.logs import get_logger
from shared.messaging.outbox import Outbox

from .ballots.service import cast, close_ballot, open_ballot
from .domain.aggregates import RankingMethod
from .domain.awards import AwardMode
from .domain.criteria import DEFAULT_CRITERIA
from .models import (
    Assignment,
    Base,
    ContestView,
    Council,
    CouncilMember,
    EntryView,
    Round,
    RoundEntry,
)
from .results.service import approve
from .rounds.assignment import assign
from .rounds.schemas import CloseIn, CriterionIn, RoundIn
from .rounds.service import close, create_round, criteria_of, release
from .scoring.service import save_score
from .seed import CHAIR, DEMO_JURORS, SEEDER, accepted_entries, demo_councils
from .settings import JudgingSettings

log = get_logger("lantoa.seed")

# How many entries the submissions seed accepts in the previous edition
# (services/submissions/demo_entries.py, previous_entries); they reach judging by the bus.
PREVIOUS_ENTRIES = 5
ORGANIZER = Principal(
    account_id="seed-organizer",
    email=CHAIR[0],
    display_name=CHAIR[1],
    roles=frozenset({Role.ORGANIZER}),
)
# Entry code (without the contest's prefix) → the total (of 100) the jurors give it, and the
# tier every juror writes on the ballot (None: "không xếp giải").
VERDICTS: dict[str, tuple[float, str | None]] = {
    "BC-0001": (88.0, "A"),
    "BC-0002": (84.5, "B"),
    "PT-0001": (86.0, "A"),
    "PT-0002": (72.0, None),
    "TH-0001": (90.0, "A"),
}
UNKNOWN = (70.0, None)  # an entry people added by hand to the edition
# Each demo juror's leaning, so that the scores are not all alike (but always the same).
LEANING = {email: (i - 1) * 1.5 for i, (email, _, _) in enumerate(DEMO_JURORS)}
ROUND_NAMES = {
    RoundKind.PRELIMINARY: "Vòng sơ khảo (năm {year})",
    RoundKind.FINAL: "Vòng chung khảo (năm {year})",
}


def _verdict(entry_code: str) -> tuple[float, str | None]:
    return VERDICTS.get(entry_code.split("-", 1)[-1], UNKNOWN)


def _juror(email: str) -> Principal:
    name = next(n for e, n, _ in DEMO_JURORS if e == email)
    return Principal(
        account_id=f"seed-{email}", email=email, display_name=name, roles=frozenset({Role.JUROR})
    )


async def judge_previous_edition(
    db: Database, settings: JudgingSettings, contest: ContestView, wait_seconds: float
) -> None:
    async with db.reading() as session:
        touched = await session.scalar(
            sa.select(sa.func.count())
            .select_from(Council)
            .where(Council.contest_id == contest.contest_id)
        )
    if touched:
        log.info("demo previous edition already judged", contest=contest.code)
        return
    count = await accepted_entries(db, contest.contest_id, PREVIOUS_ENTRIES, wait_seconds)
    if count < PREVIOUS_ENTRIES:
        log.warning(
            "demo previous edition's entries not all in judging yet; not judged", found=count
        )
        return
    outbox = Outbox(Base.metadata.tables["outbox"])
    async with db.transaction() as session:
        # Looked at again in the transaction that writes (`make up` runs one seed at a time).
        if await session.scalar(
            sa.select(Council.council_id).where(Council.contest_id == contest.contest_id)
        ):
            return
        preliminary_council, final_council = await demo_councils(session, contest)
        preliminary = await _round(session, contest, preliminary_council, RoundKind.PRELIMINARY)
        await _judge(session, outbox, settings, preliminary)
        final = await _round(session, contest, final_council, RoundKind.FINAL, preliminary)
        await _judge(session, outbox, settings, final)
        snapshot = await approve(session, outbox, ORGANIZER, final.round_id, None)
    log.info("demo previous edition approved", contest=contest.code, sha256=snapshot.sha256)


async def _round(
    session: AsyncSession,
    contest: ContestView,
    council: Council,
    kind: RoundKind,
    previous: Round | None = None,
) -> Round:
    final = kind is RoundKind.FINAL
    return await create_round(
        session,
        SEEDER,
        contest.contest_id,
        RoundIn(
            council_id=council.council_id,
            kind=kind,
            name=ROUND_NAMES[kind].format(year=f"20{contest.code[2:]}"),
            criteria=[CriterionIn(**asdict(c)) for c in DEFAULT_CRITERIA],
            jurors_per_entry=2,
            deadline=utc_now() + timedelta(hours=1),
            blind=True,
            method=RankingMethod.MEAN,
            advance_top_n=None if final else 3,
            previous_round_id=previous.round_id if previous else None,
            award_mode=AwardMode.BALLOT_THEN_SCORE if final else None,
            ballot_enabled=final,
            ballot_quorum=2 if final else None,
            reminder_hours=[],
        ),
    )


async def _judge(
    session: AsyncSession, outbox: Outbox, settings: JudgingSettings, round_: Round
) -> None:
    """Assign, release, score every assignment; in the final, the ballot; then close."""
    await assign(session, SEEDER, round_.round_id)
    await release(session, outbox, SEEDER, round_.round_id, settings.public_url)
    criteria = criteria_of(round_)
    rows = (
        await session.execute(
            sa.select(Assignment.assignment_id, CouncilMember.email, RoundEntry.entry_id)
            .join(CouncilMember, CouncilMember.member_id == Assignment.member_id)
            .join(
                RoundEntry,
                sa.and_(
                    RoundEntry.round_id == Assignment.round_id,
                    RoundEntry.entry_id == Assignment.entry_id,
                ),
            )
            .where(Assignment.round_id == round_.round_id, Assignment.active.is_(True))
            .order_by(CouncilMember.email, Assignment.entry_id)
        )
    ).all()
    codes = await _codes(session, round_)
    for assignment_id, email, entry_id in rows:
        total = min(100.0, _verdict(codes[entry_id])[0] + LEANING.get(email, 0.0))
        points: dict[str, float | None] = {
            c.code: round(c.max_points * total / 100, 2) for c in criteria
        }
        await save_score(
            session, outbox, _juror(email), assignment_id, points, _comment(total), submit=True
        )
    if round_.ballot_enabled:
        run = await open_ballot(session, SEEDER, round_.round_id, None)
        choices = {entry_id: _verdict(codes[entry_id])[1] for entry_id in run.entry_ids}
        for email, _, _ in DEMO_JURORS:
            await cast(session, _juror(email), round_.round_id, run.ballot_no, choices)
        await close_ballot(session, SEEDER, round_.round_id)
    await close(session, outbox, SEEDER, round_.round_id, CloseIn())


async def _codes(session: AsyncSession, round_: Round) -> dict[str, str]:
    rows = await session.execute(
        sa.select(EntryView.entry_id, EntryView.code)
        .join(RoundEntry, RoundEntry.entry_id == EntryView.entry_id)
        .where(RoundEntry.round_id == round_.round_id)
    )
    return {entry_id: code for entry_id, code in rows}


def _comment(total: float) -> str:
    if total >= 85:
        return "Đề tài hay, nhân vật có sức lan toả, thể hiện chắc tay."
    if total >= 78:
        return "Câu chuyện cảm động; phần kết có thể gọn hơn."
    return "Đề tài tốt nhưng cách thể hiện chưa nổi bật."
