"""What a juror reads of a ballot, and ballots spoken of by entry code (jurors and the
secretariat know entries by code). Shared by the JSON API and the pages."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.errors import ApiError

from ..models import BallotRun, ContestView, EntryView
from ..scoring.schemas import BallotOut, MyAssignmentOut
from .service import ballot_for_juror, cast, open_ballot


async def ids_by_code(session: AsyncSession, codes: list[str]) -> dict[str, str]:
    rows = await session.execute(
        sa.select(EntryView.code, EntryView.entry_id).where(EntryView.code.in_(codes))
    )
    return dict(rows.all())


async def open_by_codes(
    session: AsyncSession, who: Principal, round_id: str, codes: list[str] | None
) -> BallotRun:
    ids = None
    if codes:
        found = await ids_by_code(session, codes)
        ids = [found.get(code, code) for code in codes]
    return await open_ballot(session, who, round_id, ids)


async def cast_by_codes(
    session: AsyncSession,
    who: Principal,
    round_id: str,
    ballot_no: int,
    choices: dict[str, str | None],
) -> None:
    found = await ids_by_code(session, list(choices))
    unknown = [code for code in choices if code not in found]
    if unknown:
        raise ApiError(422, f"Không có tác phẩm {', '.join(unknown)}. / Unknown entries.")
    await cast(session, who, round_id, ballot_no, {found[c]: t for c, t in choices.items()})


async def ballot_of(session: AsyncSession, who: Principal, round_id: str) -> BallotOut:
    round_, run, voted = await ballot_for_juror(session, who, round_id)
    contest = await session.get(ContestView, round_.contest_id)
    assert contest is not None
    tiers: dict[str, str] = {}
    for category in contest.categories:
        for tier in category.get("award_tiers", []):
            tiers.setdefault(tier["code"], tier["name"])
    finalists: list[EntryView] = []
    if run is not None:
        finalists = list(
            (
                await session.scalars(
                    sa.select(EntryView)
                    .where(EntryView.entry_id.in_(run.entry_ids))
                    .order_by(EntryView.category_code, EntryView.code)
                )
            ).all()
        )
    return BallotOut(
        round_id=round_id,
        ballot_no=run.ballot_no if run else None,
        voted=voted,
        tiers=list(tiers.items()),
        finalists=[
            MyAssignmentOut(
                assignment_id="",
                entry_code=e.code,
                title=e.title,
                category_code=e.category_code,
                status="",
                total=None,
            )
            for e in finalists
        ],
    )
