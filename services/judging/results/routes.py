"""Results API: side-by-side aggregates for the secretariat, approval by the organizer, and
the exports (results as XLSX/CSV, minutes and score sheets as PDF)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import Response

from shared.auth import Principal, Role
from shared.errors import ApiError
from shared.web import CurrentUser, Runtime

from ..deps import Organizer, Staff, judging_settings
from ..exports.pdf import minutes_pdf, score_sheet_pdf
from ..exports.sheets import results_csv, results_xlsx
from ..models import CouncilMember
from ..rounds.service import round_or_404
from .exports import minutes, results_table, score_sheet
from .schemas import ApprovedOut, ApproveIn, ResultsOut
from .service import approve, compute_round
from .views import results_of

router = APIRouter(prefix="/api", tags=["results"])


@router.get("/rounds/{round_id}/results", response_model=ResultsOut)
async def results(round_id: str, runtime: Runtime, _: Staff) -> ResultsOut:
    async with runtime.db.reading() as session:
        return await results_of(session, round_id)


@router.post("/rounds/{round_id}/approve", response_model=ApprovedOut)
async def approve_results(
    round_id: str, body: ApproveIn, runtime: Runtime, who: Organizer
) -> ApprovedOut:
    async with runtime.db.transaction() as session:
        snapshot = await approve(session, runtime.outbox, who, round_id, body.overflow_reason)
        return ApprovedOut(
            round_id=round_id, sha256=snapshot.sha256, approved_at=snapshot.approved_at
        )


def _download(data: bytes, media_type: str, name: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/rounds/{round_id}/results.xlsx")
async def results_as_xlsx(round_id: str, runtime: Runtime, _: Staff) -> Response:
    async with runtime.db.reading() as session:
        computed = await compute_round(session, await round_or_404(session, round_id))
        table = await results_table(session, computed)
    return _download(
        await asyncio.to_thread(results_xlsx, table),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"ket-qua-{round_id}.xlsx",
    )


@router.get("/rounds/{round_id}/results.csv")
async def results_as_csv(round_id: str, runtime: Runtime, _: Staff) -> Response:
    async with runtime.db.reading() as session:
        computed = await compute_round(session, await round_or_404(session, round_id))
        table = await results_table(session, computed)
    return _download(results_csv(table), "text/csv; charset=utf-8", f"ket-qua-{round_id}.csv")


@router.get("/rounds/{round_id}/minutes.pdf")
async def minutes_as_pdf(round_id: str, runtime: Runtime, _: Staff) -> Response:
    async with runtime.db.reading() as session:
        computed = await compute_round(session, await round_or_404(session, round_id))
        document = await minutes(session, computed, judging_settings(runtime))
    pdf = await asyncio.to_thread(minutes_pdf, document)  # seconds of CPU: off the loop
    return _download(pdf, "application/pdf", f"bien-ban-{round_id}.pdf")


@router.get("/rounds/{round_id}/score-sheets/{member_id}.pdf")
async def score_sheet_as_pdf(
    round_id: str, member_id: str, runtime: Runtime, who: CurrentUser
) -> Response:
    """The secretariat prints any juror's sheet; a juror only their own."""
    async with runtime.db.reading() as session:
        round_ = await round_or_404(session, round_id)
        member = await session.get(CouncilMember, member_id)
        if member is None or member.council_id != round_.council_id:
            raise ApiError(404, "Không tìm thấy giám khảo. / Juror not found.")
        if not _may_print(who, member):
            raise ApiError(403, "Bạn không có quyền in phiếu này. / Not your score sheet.")
        sheet = await score_sheet(session, round_, member, judging_settings(runtime))
    pdf = await asyncio.to_thread(score_sheet_pdf, sheet)
    return _download(pdf, "application/pdf", f"phieu-cham-{member_id}.pdf")


def _may_print(who: Principal, member: CouncilMember) -> bool:
    if who.has_any(Role.SECRETARIAT, Role.ORGANIZER):
        return True
    return who.has_any(Role.JUROR) and who.email.lower() == member.email
