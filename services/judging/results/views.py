"""A round's results as the secretariat reads them (JSON API and pages alike): aggregates side
by side, flags, advancement, votes, tiers, prizes against the budget; authors once approved."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from ..models import EntryCredits
from ..rounds.service import round_or_404
from .schemas import CategoryOut, LineOut, ResultsOut
from .service import RoundResults, approval_problems, compute_round, snapshot_for


async def results_of(session: AsyncSession, round_id: str) -> ResultsOut:
    computed = await compute_round(session, await round_or_404(session, round_id))
    return await results_out(session, computed)


async def results_out(session: AsyncSession, computed: RoundResults) -> ResultsOut:
    snapshot = await snapshot_for(session, computed.round.round_id)
    named: dict[str, list[str]] = {}  # authors are named once the results are approved
    if snapshot is not None:
        ids = [line.entry.entry_id for c in computed.categories for line in c.lines]
        for credits in await session.scalars(
            sa.select(EntryCredits).where(EntryCredits.entry_id.in_(ids))
        ):
            named[credits.entry_id] = [a["full_name"] for a in credits.authors]
    categories: list[CategoryOut] = []
    for c in computed.categories:
        lines: list[LineOut] = []
        for line in c.lines:
            agg = line.ranked.aggregate if line.ranked else None
            authors = named.get(line.entry.entry_id, []) if snapshot is not None else None
            lines.append(
                LineOut(
                    entry_id=line.entry.entry_id,
                    entry_code=line.entry.code,
                    title=line.entry.title,
                    rank=line.ranked.rank if line.ranked else None,
                    value=line.ranked.value if line.ranked else None,
                    n=agg.n if agg else 0,
                    mean=agg.mean if agg else None,
                    median=agg.median if agg else None,
                    trimmed_mean=agg.trimmed_mean if agg else None,
                    zscore=agg.zscore if agg else None,
                    spread=agg.spread if agg else None,
                    high_disagreement=bool(agg and agg.high_disagreement),
                    advancing=line.advancing,
                    votes=dict(line.tally.counts) if line.tally else None,
                    quorum_met=line.tally.quorum_met if line.tally else None,
                    tier=line.award.tier if line.award else None,
                    tier_name=line.tier_name,
                    prize_vnd=line.award.prize_vnd if line.award else None,
                    authors=authors,
                )
            )
        codes = {line.entry.entry_id: line.entry.code for line in c.lines}
        categories.append(
            CategoryOut(
                category_id=c.category_id,
                code=c.code,
                name=c.name,
                lines=lines,
                ties_at_cut=[codes.get(e, e) for e in c.ties_at_cut],
                needs_runoff=[codes.get(e, e) for e in c.needs_runoff],
            )
        )
    awards = computed.awards
    round_ = computed.round
    return ResultsOut(
        round_id=round_.round_id,
        round_name=round_.name,
        kind=round_.kind,
        status=round_.status,
        method=computed.method.value,
        method_label=computed.method_label,
        categories=categories,
        flagged_jurors=computed.flagged_jurors,
        total_prize_vnd=awards.total_prize_vnd if awards else 0,
        prize_budget_vnd=computed.contest.prize_budget_vnd,
        overflow_vnd=awards.overflow_vnd if awards else 0,
        approval_problems=approval_problems(computed) if round_.kind == "final" else [],
        snapshot_hash=snapshot.sha256 if snapshot else None,
        approved_at=snapshot.approved_at if snapshot else None,
    )
