"""Councils API: the secretariat sets up councils, subcommittees and jurors."""

from __future__ import annotations

from fastapi import APIRouter

from shared.web import Runtime

from ..deps import Staff
from ..models import Council, CouncilMember
from .schemas import CouncilIn, CouncilOut, MemberIn, MemberOut
from .service import add_member, councils_of, create_council, remove_member

router = APIRouter(prefix="/api", tags=["councils"])


def member_out(m: CouncilMember) -> MemberOut:
    return MemberOut.model_validate(m, from_attributes=True)


def council_out(c: Council, members: list[CouncilMember]) -> CouncilOut:
    return CouncilOut(
        council_id=c.council_id,
        contest_id=c.contest_id,
        kind=c.kind,
        name=c.name,
        members=[member_out(m) for m in members],
    )


@router.get("/contests/{contest_id}/councils", response_model=list[CouncilOut])
async def list_councils(contest_id: str, runtime: Runtime, _: Staff) -> list[CouncilOut]:
    async with runtime.db.reading() as session:
        return [council_out(c, list(ms)) for c, ms in await councils_of(session, contest_id)]


@router.post("/contests/{contest_id}/councils", response_model=CouncilOut, status_code=201)
async def new_council(contest_id: str, body: CouncilIn, runtime: Runtime, who: Staff) -> CouncilOut:
    async with runtime.db.transaction() as session:
        council = await create_council(session, who, contest_id, body)
        return council_out(council, [])


@router.post("/councils/{council_id}/members", response_model=MemberOut, status_code=201)
async def new_member(council_id: str, body: MemberIn, runtime: Runtime, who: Staff) -> MemberOut:
    async with runtime.db.transaction() as session:
        return member_out(await add_member(session, who, council_id, body))


@router.delete("/councils/{council_id}/members/{member_id}", status_code=204)
async def delete_member(council_id: str, member_id: str, runtime: Runtime, who: Staff) -> None:
    async with runtime.db.transaction() as session:
        await remove_member(session, who, council_id, member_id)
