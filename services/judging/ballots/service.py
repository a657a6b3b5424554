"""The secret ballot (bỏ phiếu kín) of a final round.

A juror's receipt (that they voted) and their ballot paper (what they voted) are stored apart,
the paper with a random id and no time. Papers reach the audit log only when the ballot is
closed, shuffled, so the order of the log cannot tie a paper to a receipt either.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import utc_now
from shared.errors import ApiError

from ..audit.service import record
from ..domain.ballot import ballot_problems
from ..models import BallotReceipt, BallotRun, BallotVote, ContestView, Round, RoundEntry
from ..rounds.service import round_or_404
from ..scoring.service import member_in_round

NOT_OPEN = "Hiện không có lượt bỏ phiếu nào đang mở. / No ballot is open."


def tier_codes(contest: ContestView, category_id: str) -> list[str]:
    for category in contest.categories:
        if category["category_id"] == category_id:
            return [t["code"] for t in category.get("award_tiers", [])]
    return []


async def open_ballot_no(session: AsyncSession, round_id: str) -> int | None:
    return await session.scalar(
        sa.select(BallotRun.ballot_no).where(
            BallotRun.round_id == round_id, BallotRun.closed_at.is_(None)
        )
    )


async def runs_of(session: AsyncSession, round_id: str) -> list[BallotRun]:
    return list(
        (
            await session.scalars(
                sa.select(BallotRun)
                .where(BallotRun.round_id == round_id)
                .order_by(BallotRun.ballot_no)
            )
        ).all()
    )


async def open_ballot(
    session: AsyncSession, who: Principal, round_id: str, entry_ids: list[str] | None
) -> BallotRun:
    """Open ballot n over the finalists (the first) or over the entries a tie left open."""
    round_ = await round_or_404(session, round_id)
    if not round_.ballot_enabled:
        raise ApiError(409, "Vòng này không bỏ phiếu kín. / This round has no ballot.")
    if round_.status != "released":
        raise ApiError(
            409,
            "Chỉ bỏ phiếu khi vòng chấm đang diễn ra. / Ballots happen while the round is open.",
        )
    if await open_ballot_no(session, round_id) is not None:
        raise ApiError(409, "Đang có một lượt bỏ phiếu mở. / A ballot is already open.")
    finalists = list(
        (
            await session.scalars(
                sa.select(RoundEntry.entry_id).where(RoundEntry.round_id == round_id)
            )
        ).all()
    )
    chosen = entry_ids or finalists
    unknown = set(chosen) - set(finalists)
    if unknown or not chosen:
        raise ApiError(422, "Chỉ bỏ phiếu cho tác phẩm chung khảo. / Finalists only.")
    previous = await runs_of(session, round_id)
    run = BallotRun(
        round_id=round_id,
        ballot_no=(previous[-1].ballot_no + 1) if previous else 1,
        entry_ids=sorted(chosen),
        opened_at=utc_now(),
    )
    session.add(run)
    await record(
        session,
        actor=who.email,
        action="ballot.opened",
        subject=f"{round_id}/{run.ballot_no}",
        round_id=round_id,
        data={"ballot_no": run.ballot_no, "entry_ids": run.entry_ids},
    )
    return run


async def ballot_for_juror(
    session: AsyncSession, who: Principal, round_id: str
) -> tuple[Round, BallotRun | None, bool]:
    """The open ballot a juror may fill in, and whether they already did."""
    round_ = await round_or_404(session, round_id)
    member = await member_in_round(session, who, round_)
    number = await open_ballot_no(session, round_id)
    if number is None:
        return round_, None, False
    run = await session.get(BallotRun, (round_id, number))
    voted = await session.get(BallotReceipt, (round_id, number, member.member_id))
    return round_, run, voted is not None


async def cast(
    session: AsyncSession,
    who: Principal,
    round_id: str,
    ballot_no: int,
    choices: dict[str, str | None],
) -> None:
    round_ = await round_or_404(session, round_id)
    member = await member_in_round(session, who, round_)
    if await open_ballot_no(session, round_id) != ballot_no:
        raise ApiError(409, NOT_OPEN)
    run = await session.get(BallotRun, (round_id, ballot_no))
    assert run is not None
    if await session.get(BallotReceipt, (round_id, ballot_no, member.member_id)) is not None:
        raise ApiError(
            409,
            "Bạn đã bỏ phiếu trong lượt này; mỗi giám khảo chỉ một phiếu. "
            "/ You have already voted in this ballot.",
        )
    contest = await session.get(ContestView, round_.contest_id)
    assert contest is not None
    tiers = sorted(
        {code for c in contest.categories for code in tier_codes(contest, c["category_id"])}
    )
    problems = ballot_problems(choices, run.entry_ids, tiers)
    if problems:
        raise ApiError(422, "Phiếu bầu chưa hợp lệ. / The ballot is not valid.", problems)
    session.add(
        BallotReceipt(
            round_id=round_id, ballot_no=ballot_no, member_id=member.member_id, cast_at=utc_now()
        )
    )
    session.add(
        BallotVote(
            vote_id=secrets.token_hex(16),
            round_id=round_id,
            ballot_no=ballot_no,
            choices={e: choices.get(e) for e in run.entry_ids},
        )
    )
    # The receipt goes to the log now; the paper only when the ballot closes.
    await record(
        session,
        actor=who.email,
        action="ballot.receipt",
        subject=f"{round_id}/{ballot_no}",
        round_id=round_id,
        data={"ballot_no": ballot_no, "member_id": member.member_id},
    )


async def close_ballot(session: AsyncSession, who: Principal, round_id: str) -> BallotRun:
    number = await open_ballot_no(session, round_id)
    if number is None:
        raise ApiError(409, NOT_OPEN)
    run = await session.get(BallotRun, (round_id, number))
    assert run is not None
    run.closed_at = utc_now()
    papers = list(
        (
            await session.scalars(
                sa.select(BallotVote).where(
                    BallotVote.round_id == round_id, BallotVote.ballot_no == number
                )
            )
        ).all()
    )
    secrets.SystemRandom().shuffle(papers)
    for paper in papers:
        await record(
            session,
            actor="ballot-box",
            action="ballot.paper",
            subject=paper.vote_id,
            round_id=round_id,
            data={"ballot_no": number, "choices": paper.choices},
        )
    await record(
        session,
        actor=who.email,
        action="ballot.closed",
        subject=f"{round_id}/{number}",
        round_id=round_id,
        data={"ballot_no": number, "papers": len(papers)},
    )
    return run


async def papers_of(
    session: AsyncSession, round_id: str, ballot_no: int
) -> list[dict[str, str | None]]:
    rows = await session.scalars(
        sa.select(BallotVote.choices).where(
            BallotVote.round_id == round_id, BallotVote.ballot_no == ballot_no
        )
    )
    return [dict(c) for c in rows]
