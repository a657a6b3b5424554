"""From a round's computed results to the documents people print, sign and download."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now

from ..domain.aggregates import METHOD_LABELS, RankingMethod
from ..domain.ballot import BALLOT_RULE_TEXT
from ..exports.documents import (
    CriterionColumn,
    Minutes,
    MinutesMember,
    ResultLine,
    ResultsTable,
    ScoreSheet,
    SheetRow,
)
from ..models import (
    Assignment,
    ConflictDeclaration,
    ContestView,
    Council,
    CouncilMember,
    EntryCredits,
    EntryView,
    ResultsSnapshot,
    Round,
    Score,
)
from ..settings import JudgingSettings
from .service import RoundResults

ROLE_NAMES = {"chair": "Chủ tịch Hội đồng", "secretary": "Thư ký Hội đồng", "juror": "Ủy viên"}
STATUS_NAMES = {"submitted": "Đã nộp", "draft": "Nháp", "todo": "Chưa chấm"}
HIGH_DISAGREEMENT = "Chênh lệch điểm lớn giữa các giám khảo"


def rule_text(round_: Round) -> str:
    if round_.kind == "final":
        return BALLOT_RULE_TEXT if round_.ballot_enabled else "Xếp giải theo thứ hạng điểm."
    parts = []
    if round_.advance_top_n:
        parts.append(f"{round_.advance_top_n} tác phẩm điểm cao nhất mỗi thể loại")
    if round_.advance_threshold is not None:
        parts.append(f"đạt từ {round_.advance_threshold:g} điểm trở lên")
    return "Vào chung khảo: " + ", ".join(parts) + "."


async def _authors(session: AsyncSession, computed: RoundResults, reveal: bool) -> dict[str, str]:
    if not reveal:
        return {}
    ids = [line.entry.entry_id for c in computed.categories for line in c.lines]
    rows = await session.scalars(sa.select(EntryCredits).where(EntryCredits.entry_id.in_(ids)))
    return {c.entry_id: ", ".join(a["full_name"] for a in c.authors) for c in rows}


async def result_lines(
    session: AsyncSession, computed: RoundResults, reveal_authors: bool
) -> tuple[ResultLine, ...]:
    authors = await _authors(session, computed, reveal_authors)
    lines: list[ResultLine] = []
    for category in computed.categories:
        for line in category.lines:
            agg = line.ranked.aggregate if line.ranked else None
            lines.append(
                ResultLine(
                    rank=line.ranked.rank if line.ranked else None,
                    entry_code=line.entry.code,
                    title=line.entry.title,
                    category=category.name,
                    values={
                        METHOD_LABELS[RankingMethod.MEAN]: agg.mean if agg else None,
                        METHOD_LABELS[RankingMethod.MEDIAN]: agg.median if agg else None,
                        METHOD_LABELS[RankingMethod.TRIMMED_MEAN]: agg.trimmed_mean
                        if agg
                        else None,
                        METHOD_LABELS[RankingMethod.ZSCORE]: agg.zscore if agg else None,
                    },
                    flags=(HIGH_DISAGREEMENT,) if agg and agg.high_disagreement else (),
                    tier=line.tier_name,
                    prize_vnd=line.award.prize_vnd if line.award else None,
                    authors=authors.get(line.entry.entry_id, ""),
                )
            )
    return tuple(lines)


async def results_table(session: AsyncSession, computed: RoundResults) -> ResultsTable:
    snapshot = await session.get(ResultsSnapshot, computed.round.round_id)
    return ResultsTable(
        contest_title=computed.contest.title,
        round_name=computed.round.name,
        method_label=computed.method_label,
        columns=tuple(METHOD_LABELS[m] for m in RankingMethod),
        lines=await result_lines(session, computed, reveal_authors=snapshot is not None),
        snapshot_hash=snapshot.sha256 if snapshot else None,
    )


async def minutes(
    session: AsyncSession, computed: RoundResults, settings: JudgingSettings
) -> Minutes:
    round_ = computed.round
    council = await session.get(Council, round_.council_id)
    assert council is not None
    members = (
        await session.scalars(
            sa.select(CouncilMember)
            .where(CouncilMember.council_id == council.council_id)
            .order_by(CouncilMember.role, CouncilMember.display_name)
        )
    ).all()
    snapshot = await session.get(ResultsSnapshot, round_.round_id)
    declared = await session.scalar(
        sa.select(sa.func.count())
        .select_from(ConflictDeclaration)
        .where(ConflictDeclaration.round_id == round_.round_id)
    )
    notes = [f"Phương pháp xếp hạng: {computed.method_label}."]
    if declared:
        notes.append(f"Số lần giám khảo tự khai báo xung đột lợi ích: {declared}.")
    if computed.flagged_jurors:
        notes.append(
            "Giám khảo có quá ít phiếu để chuẩn hoá z-score: "
            + ", ".join(computed.flagged_jurors)
            + "."
        )
    awards = computed.awards
    return Minutes(
        organiser=settings.organiser_name,
        contest_title=computed.contest.title,
        round_name=round_.name,
        council_name=council.name,
        place=settings.minutes_place,
        held_at=round_.closed_at or utc_now(),
        members=tuple(
            MinutesMember(m.display_name, ROLE_NAMES.get(m.role, m.role), m.organisation)
            for m in members
        ),
        method_label=computed.method_label,
        rule_text=rule_text(round_),
        lines=await result_lines(session, computed, reveal_authors=snapshot is not None),
        total_prize_vnd=awards.total_prize_vnd if awards else 0,
        budget_vnd=computed.contest.prize_budget_vnd,
        snapshot_hash=snapshot.sha256 if snapshot else None,
        notes=tuple(notes),
    )


async def score_sheet(
    session: AsyncSession, round_: Round, member: CouncilMember, settings: JudgingSettings
) -> ScoreSheet:
    council = await session.get(Council, round_.council_id)
    assert council is not None
    rows = await session.execute(
        sa.select(EntryView.code, EntryView.title, Score)
        .select_from(Assignment)
        .join(EntryView, EntryView.entry_id == Assignment.entry_id)
        .outerjoin(Score, Score.assignment_id == Assignment.assignment_id)
        .where(
            Assignment.round_id == round_.round_id,
            Assignment.member_id == member.member_id,
            Assignment.active.is_(True),
        )
        .order_by(EntryView.category_code, EntryView.code)
    )
    return ScoreSheet(
        organiser=settings.organiser_name,
        contest_title=(await _contest_title(session, round_)),
        round_name=round_.name,
        council_name=council.name,
        juror_name=member.display_name,
        juror_organisation=member.organisation,
        criteria=tuple(
            CriterionColumn(c["code"], c["name"], c["max_points"], c["weight"])
            for c in round_.criteria
        ),
        rows=tuple(
            SheetRow(
                entry_code=code,
                title=title,
                points=dict(score.points) if score else {},
                total=score.total if score else None,
                comment=score.comment if score else "",
                status=STATUS_NAMES[score.status if score else "todo"],
            )
            for code, title, score in rows
        ),
        blind=round_.blind,
        printed_at=utc_now(),
    )


async def _contest_title(session: AsyncSession, round_: Round) -> str:
    contest = await session.get(ContestView, round_.contest_id)
    return contest.title if contest else ""
