"""Ballot API: the secretariat opens and closes ballots; each juror casts one paper."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from shared.web import Runtime

from ..deps import Juror, Staff
from ..scoring.schemas import BallotIn, BallotOut
from .service import close_ballot
from .views import ballot_of, cast_by_codes, open_by_codes

router = APIRouter(prefix="/api", tags=["ballots"])


class OpenBallotIn(BaseModel):
    entry_codes: list[str] | None = None  # a later ballot: only the tied entries


@router.post("/rounds/{round_id}/ballots", status_code=201)
async def open_(round_id: str, body: OpenBallotIn, runtime: Runtime, who: Staff) -> dict[str, int]:
    async with runtime.db.transaction() as session:
        run = await open_by_codes(session, who, round_id, body.entry_codes)
        return {"ballot_no": run.ballot_no}


@router.post("/rounds/{round_id}/ballots/close")
async def close_(round_id: str, runtime: Runtime, who: Staff) -> dict[str, int]:
    async with runtime.db.transaction() as session:
        run = await close_ballot(session, who, round_id)
        return {"ballot_no": run.ballot_no}


@router.get("/my/rounds/{round_id}/ballot", response_model=BallotOut)
async def my_ballot(round_id: str, runtime: Runtime, who: Juror) -> BallotOut:
    async with runtime.db.reading() as session:
        return await ballot_of(session, who, round_id)


@router.post("/my/rounds/{round_id}/ballot", status_code=204)
async def vote(round_id: str, body: BallotIn, runtime: Runtime, who: Juror) -> None:
    async with runtime.db.transaction() as session:
        await cast_by_codes(session, who, round_id, body.ballot_no, body.choices)
