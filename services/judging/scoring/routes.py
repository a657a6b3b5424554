"""The juror API: my rounds, my assignments, an entry, its files, my score, a conflict."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, RedirectResponse

from shared.web import Runtime

from ..deps import Juror, judging_settings
from .media import media_url, reading_copy
from .schemas import (
    AuthorOut,
    ConflictIn,
    ExemplarOut,
    FileOut,
    JurorEntryOut,
    MyAssignmentOut,
    MyRoundOut,
    ScoreIn,
)
from .service import (
    JurorEntry,
    declare_conflict,
    entry_for_juror,
    my_assignments,
    my_rounds,
    save_score,
)

router = APIRouter(prefix="/api/my", tags=["juror"])


def entry_out(found: JurorEntry) -> JurorEntryOut:
    e, s, r = found.entry, found.score, found.round
    base = f"/api/my/assignments/{found.assignment.assignment_id}/files"
    return JurorEntryOut(
        assignment_id=found.assignment.assignment_id,
        round_id=r.round_id,
        round_name=r.name,
        blind=r.blind,
        deadline=r.deadline,
        entry_code=e.code,
        title=e.title,
        category_code=e.category_code,
        category_name=e.category_name,
        language=e.language,
        synopsis=e.synopsis,
        series_parts=e.series_parts,
        exemplars=[ExemplarOut.model_validate(x) for x in e.exemplars],
        files=[
            FileOut(
                file_id=f["file_id"],
                kind=f["kind"],
                media_type=f["media_type"],
                size_bytes=f["size_bytes"],
                url=f"{base}/{f['file_id']}",
                text_url=f"{base}/{f['file_id']}/text" if f.get("text_key") else None,
            )
            for f in e.files
        ],
        authors=[AuthorOut.model_validate(a) for a in found.credits]
        if found.credits is not None
        else None,
        criteria=r.criteria,
        points=s.points if s else {},
        comment=s.comment if s else "",
        total=s.total if s else None,
        status=s.status if s else "todo",
        can_edit=found.can_edit,
    )


@router.get("/rounds", response_model=list[MyRoundOut])
async def rounds(runtime: Runtime, who: Juror) -> list[MyRoundOut]:
    async with runtime.db.reading() as session:
        return [
            MyRoundOut(
                round_id=p.round.round_id,
                name=p.round.name,
                kind=p.round.kind,
                status=p.round.status,
                deadline=p.round.deadline,
                assigned=p.assigned,
                submitted=p.submitted,
                ballot=p.round.ballot_enabled,
            )
            for p in await my_rounds(session, who)
        ]


@router.get("/rounds/{round_id}/assignments", response_model=list[MyAssignmentOut])
async def assignments(round_id: str, runtime: Runtime, who: Juror) -> list[MyAssignmentOut]:
    async with runtime.db.reading() as session:
        _, _, rows = await my_assignments(session, who, round_id)
    return [
        MyAssignmentOut(
            assignment_id=r.assignment_id,
            entry_code=r.entry_code,
            title=r.title,
            category_code=r.category_code,
            status=r.status,
            total=r.total,
        )
        for r in rows
    ]


@router.get("/assignments/{assignment_id}", response_model=JurorEntryOut)
async def assignment(assignment_id: str, runtime: Runtime, who: Juror) -> JurorEntryOut:
    async with runtime.db.reading() as session:
        return entry_out(await entry_for_juror(session, who, assignment_id))


@router.get("/assignments/{assignment_id}/files/{file_id}")
async def file(assignment_id: str, file_id: str, runtime: Runtime, who: Juror) -> RedirectResponse:
    async with runtime.db.reading() as session:
        found = await entry_for_juror(session, who, assignment_id)
    url = media_url(
        runtime.storage,
        found.entry.code,
        found.entry.files,
        file_id,
        judging_settings(runtime).media_url_minutes,
    )
    return RedirectResponse(url, status_code=307, headers={"Cache-Control": "no-store"})


@router.get("/assignments/{assignment_id}/files/{file_id}/text", response_class=PlainTextResponse)
async def file_text(assignment_id: str, file_id: str, runtime: Runtime, who: Juror) -> str:
    async with runtime.db.reading() as session:
        found = await entry_for_juror(session, who, assignment_id)
    return await reading_copy(runtime.storage, found.entry.files, file_id)


@router.put("/assignments/{assignment_id}/score", response_model=JurorEntryOut)
async def score(assignment_id: str, body: ScoreIn, runtime: Runtime, who: Juror) -> JurorEntryOut:
    async with runtime.db.transaction() as session:
        await save_score(
            session, runtime.outbox, who, assignment_id, body.points, body.comment, body.submit
        )
        return entry_out(await entry_for_juror(session, who, assignment_id))


@router.post("/assignments/{assignment_id}/conflict", status_code=204)
async def conflict(assignment_id: str, body: ConflictIn, runtime: Runtime, who: Juror) -> None:
    async with runtime.db.transaction() as session:
        await declare_conflict(session, who, assignment_id, body.reason)
