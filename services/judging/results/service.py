"""A round's results, computed from its submitted scores (and, in the final, its ballots):
aggregates side by side, the ranking by the round's method, advancement, tiers and prizes.
The organizer's approval freezes them in a hashed snapshot and reveals the winners' authors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import utc_now
from shared.contracts.judging import ResultsApproved, ResultsApprovedPayload, RoundKind, Winner
from shared.contracts.submissions import Authorship, Exemplar, Publication, SubmittedFile
from shared.errors import ApiError
from shared.messaging.outbox import Outbox

from ..audit.service import record
from ..ballots.service import papers_of, runs_of
from ..domain.advancement import Advancement, advancing_entries
from ..domain.aggregates import METHOD_LABELS, RankedEntry, RankingMethod, Results, ScoreRow
from ..domain.aggregates import compute_results as aggregate
from ..domain.audit_chain import canonical_json, sha256_hex
from ..domain.awards import Award, AwardMode, AwardSummary, Candidate, Tier, decide_awards
from ..domain.ballot import BallotRules, EntryTally, tally
from ..models import (
    ContestView,
    CouncilMember,
    EntryCredits,
    EntryView,
    ResultsSnapshot,
    Round,
    RoundEntry,
    Score,
)
from ..rounds.service import round_or_404, rule_of


@dataclass(frozen=True)
class ResultLine:
    entry: EntryView
    ranked: RankedEntry | None
    advancing: bool = False
    tally: EntryTally | None = None
    award: Award | None = None
    tier_name: str | None = None


@dataclass(frozen=True)
class CategoryView:
    category_id: str
    code: str
    name: str
    lines: list[ResultLine]
    ties_at_cut: tuple[str, ...] = ()
    needs_runoff: tuple[str, ...] = ()
    moved_down: tuple[tuple[str, str, str | None], ...] = ()


@dataclass(frozen=True)
class RoundResults:
    round: Round
    contest: ContestView
    method: RankingMethod
    results: Results
    categories: list[CategoryView]
    awards: AwardSummary | None = None
    ballots_closed: int = 0
    flagged_jurors: list[str] = field(default_factory=list)  # names

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.method]


def tiers_of(contest: ContestView) -> dict[str, list[Tier]]:
    return {
        c["category_id"]: [
            Tier(code=t["code"], name=t["name"], quota=t["quota"], prize_vnd=t["prize_vnd"])
            for t in c.get("award_tiers", [])
        ]
        for c in contest.categories
    }


async def score_rows(session: AsyncSession, round_id: str) -> list[ScoreRow]:
    rows = await session.execute(
        sa.select(Score.entry_id, EntryView.category_id, Score.member_id, Score.total)
        .join(EntryView, EntryView.entry_id == Score.entry_id)
        .where(Score.round_id == round_id, Score.status == "submitted")
    )
    return [ScoreRow(e, c, m, float(t)) for e, c, m, t in rows if t is not None]


async def _tallies(
    session: AsyncSession, round_: Round, contest: ContestView, jurors: int
) -> tuple[dict[str, EntryTally], int]:
    """Each finalist's tally from the latest closed ballot that included it."""
    quorum = round_.ballot_quorum or math.ceil(jurors * 2 / 3)
    rules = BallotRules(quorum=quorum, majority=round_.ballot_majority)
    tiers: list[str] = []  # best first, as the contest lists them
    for category_tiers in tiers_of(contest).values():
        tiers += [t.code for t in category_tiers if t.code not in tiers]
    found: dict[str, EntryTally] = {}
    closed = 0
    for run in await runs_of(session, round_.round_id):
        if run.closed_at is None:
            continue
        closed += 1
        papers = await papers_of(session, round_.round_id, run.ballot_no)
        found.update(tally(papers, run.entry_ids, tiers, rules))
    return found, closed


async def compute_round(session: AsyncSession, round_: Round) -> RoundResults:
    contest = await session.get(ContestView, round_.contest_id)
    assert contest is not None
    method = RankingMethod(round_.method)
    results = aggregate(await score_rows(session, round_.round_id), method)
    entry_ids = (
        await session.scalars(
            sa.select(RoundEntry.entry_id).where(RoundEntry.round_id == round_.round_id)
        )
    ).all()
    entries = {
        e.entry_id: e
        for e in (
            await session.scalars(sa.select(EntryView).where(EntryView.entry_id.in_(entry_ids)))
        ).all()
    }
    ranked = {r.entry_id: r for cat in results.categories.values() for r in cat.ranking}
    advancement: Mapping[str, Advancement] = {}
    if round_.kind == RoundKind.PRELIMINARY.value:
        advancement = advancing_entries(results, rule_of(round_))
    advancing = {e for a in advancement.values() for e in a.advancing}
    tallies: dict[str, EntryTally] = {}
    closed = 0
    awards: AwardSummary | None = None
    tiers = tiers_of(contest)
    if round_.kind == RoundKind.FINAL.value:
        jurors = await session.scalar(
            sa.select(sa.func.count())
            .select_from(CouncilMember)
            .where(CouncilMember.council_id == round_.council_id, CouncilMember.role == "juror")
        )
        if round_.ballot_enabled:
            tallies, closed = await _tallies(session, round_, contest, int(jurors or 0))
        mode = AwardMode(round_.award_mode or AwardMode.SCORE_ONLY)
        candidates: dict[str, list[Candidate]] = {}
        for entry in entries.values():
            t = tallies.get(entry.entry_id)
            proposed = t.tier if (t and t.quorum_met) else None
            candidates.setdefault(entry.category_id, []).append(
                Candidate(
                    entry_id=entry.entry_id,
                    proposed_tier=proposed if mode is AwardMode.BALLOT_THEN_SCORE else None,
                    support=(t.support.get(proposed, 0) if (t and proposed) else 0),
                    score=ranked[entry.entry_id].value if entry.entry_id in ranked else None,
                )
            )
        awards = decide_awards(candidates, tiers, mode, contest.prize_budget_vnd)
    views: list[CategoryView] = []
    for category in contest.categories:
        cid = category["category_id"]
        in_category = [e for e in entries.values() if e.category_id == cid]
        if not in_category:
            continue
        cat_awards = awards.categories.get(cid) if awards else None
        by_entry = {a.entry_id: a for a in cat_awards.awards} if cat_awards else {}
        names = {t.code: t.name for t in tiers.get(cid, [])}

        def order(e: EntryView) -> tuple[int, str]:
            r = ranked.get(e.entry_id)
            return (r.rank if r else 1_000_000, e.code)

        lines = [
            ResultLine(
                entry=e,
                ranked=ranked.get(e.entry_id),
                advancing=e.entry_id in advancing,
                tally=tallies.get(e.entry_id),
                award=by_entry.get(e.entry_id),
                tier_name=names.get(by_entry[e.entry_id].tier) if e.entry_id in by_entry else None,
            )
            for e in sorted(in_category, key=order)
        ]
        views.append(
            CategoryView(
                category_id=cid,
                code=category["code"],
                name=category["name"],
                lines=lines,
                ties_at_cut=advancement[cid].ties_at_cut if cid in advancement else (),
                needs_runoff=cat_awards.needs_runoff if cat_awards else (),
                moved_down=cat_awards.moved_down if cat_awards else (),
            )
        )
    flagged = []
    if results.flagged_jurors:
        names_by_id = dict(
            (
                await session.execute(
                    sa.select(CouncilMember.member_id, CouncilMember.display_name).where(
                        CouncilMember.member_id.in_(results.flagged_jurors)
                    )
                )
            ).all()
        )
        flagged = [names_by_id.get(j, j) for j in results.flagged_jurors]
    return RoundResults(
        round=round_,
        contest=contest,
        method=method,
        results=results,
        categories=views,
        awards=awards,
        ballots_closed=closed,
        flagged_jurors=flagged,
    )


async def advancing_from(session: AsyncSession, round_: Round) -> list[str]:
    """The entries a preliminary round sends to the final, by its rule."""
    computed = await compute_round(session, round_)
    return [line.entry.entry_id for c in computed.categories for line in c.lines if line.advancing]


def snapshot_of(computed: RoundResults, approved_by: str, approved_at: str) -> dict[str, object]:
    """The frozen results: what the hash covers. Authors are not in it (the winners' credits
    travel in ResultsApproved); the scores, ranking, ballots and awards are."""
    awards = computed.awards
    return {
        "contest_id": computed.contest.contest_id,
        "contest_version": computed.contest.version,
        "round_id": computed.round.round_id,
        "method": computed.method.value,
        "approved_by": approved_by,
        "approved_at": approved_at,
        "categories": [
            {
                "category_id": c.category_id,
                "lines": [
                    {
                        "entry_id": line.entry.entry_id,
                        "code": line.entry.code,
                        "rank": line.ranked.rank if line.ranked else None,
                        "value": line.ranked.value if line.ranked else None,
                        "totals": list(line.ranked.aggregate.totals) if line.ranked else [],
                        "tier": line.award.tier if line.award else None,
                        "prize_vnd": line.award.prize_vnd if line.award else 0,
                        "votes": dict(line.tally.counts) if line.tally else None,
                    }
                    for line in c.lines
                ],
            }
            for c in computed.categories
        ],
        "total_prize_vnd": awards.total_prize_vnd if awards else 0,
        "prize_budget_vnd": computed.contest.prize_budget_vnd,
    }


def approval_problems(computed: RoundResults) -> list[str]:
    problems: list[str] = []
    round_ = computed.round
    if round_.ballot_enabled and computed.ballots_closed == 0:
        problems.append("Chưa có lượt bỏ phiếu kín nào kết thúc. / No ballot has been closed yet.")
    runoff = [
        line.entry.code
        for c in computed.categories
        for line in c.lines
        if line.entry.entry_id in c.needs_runoff
    ]
    if runoff:
        problems.append(
            "Còn tác phẩm hoà nhau ở ranh giới giải, cần bỏ phiếu lại: "
            f"{', '.join(runoff)}. / Tied at a prize boundary, a new ballot is needed: "
            f"{', '.join(runoff)}."
        )
    return problems


async def approve(
    session: AsyncSession,
    outbox: Outbox,
    who: Principal,
    round_id: str,
    overflow_reason: str | None,
) -> ResultsSnapshot:
    round_ = await round_or_404(session, round_id)
    if await session.get(ResultsSnapshot, round_id) is not None or round_.status == "approved":
        raise ApiError(409, "Kết quả đã được phê duyệt. / The results are already approved.")
    if round_.kind != RoundKind.FINAL.value:
        raise ApiError(409, "Chỉ phê duyệt kết quả chung khảo. / Only final results are approved.")
    if round_.status != "closed":
        raise ApiError(409, "Hãy kết thúc vòng chung khảo trước. / Close the final round first.")
    computed = await compute_round(session, round_)
    problems = approval_problems(computed)
    awards = computed.awards
    assert awards is not None
    reason = (overflow_reason or "").strip()
    if awards.overflow_vnd > 0 and len(reason) < 5:
        problems.append(
            f"Tổng tiền giải vượt kinh phí {awards.overflow_vnd:,} đ; cần nêu lý do để phê duyệt. "
            f"/ Prizes exceed the budget by {awards.overflow_vnd:,} VND; give a reason.".replace(
                ",", "."
            )
        )
    if problems:
        raise ApiError(
            409, "Chưa thể phê duyệt kết quả. / The results cannot be approved.", problems
        )
    now = utc_now()
    data = canonical_json(snapshot_of(computed, who.email, now.isoformat()))
    digest = sha256_hex(data)
    snapshot = ResultsSnapshot(
        round_id=round_id,
        contest_id=round_.contest_id,
        data=data,
        sha256=digest,
        approved_by=who.email,
        approved_at=now,
    )
    session.add(snapshot)
    try:
        await session.flush()  # a second approval at the same moment stops here
    except IntegrityError as error:
        raise ApiError(
            409, "Kết quả đã được phê duyệt. / The results are already approved."
        ) from error
    round_.status = "approved"
    await record(
        session,
        actor=who.email,
        action="results.approved",
        subject=round_id,
        round_id=round_id,
        data={"sha256": digest, "overflow_reason": reason, "overflow_vnd": awards.overflow_vnd},
        at=now,
    )
    await outbox.stage(
        session,
        ResultsApproved(
            contest_id=round_.contest_id,
            payload=ResultsApprovedPayload(
                contest_id=round_.contest_id,
                contest_code=computed.contest.code,
                contest_title=computed.contest.title,
                round_id=round_id,
                approved_at=now,
                approved_by=who.display_name,
                method=computed.method.value,
                snapshot_hash=digest,
                total_prize_vnd=awards.total_prize_vnd,
                prize_budget_vnd=computed.contest.prize_budget_vnd,
                winners=tuple(await _winners(session, computed)),
            ),
        ),
    )
    return snapshot


async def _winners(session: AsyncSession, computed: RoundResults) -> list[Winner]:
    winners: list[Winner] = []
    for category in computed.categories:
        for line in category.lines:
            if line.award is None:
                continue
            e = line.entry
            credits = await session.get(EntryCredits, e.entry_id)
            winners.append(
                Winner(
                    entry_id=e.entry_id,
                    code=e.code,
                    title=e.title,
                    category_id=e.category_id,
                    category_code=e.category_code,
                    category_name=e.category_name,
                    tier_code=line.award.tier,
                    tier_name=line.tier_name or line.award.tier,
                    prize_vnd=line.award.prize_vnd,
                    score=line.ranked.value if line.ranked else None,
                    language=e.language,
                    synopsis=e.synopsis,
                    exemplars=tuple(Exemplar.model_validate(x) for x in e.exemplars),
                    files=tuple(SubmittedFile.model_validate(f) for f in e.files),
                    authors=tuple(Authorship.model_validate(a) for a in credits.authors)
                    if credits
                    else (),
                    district=credits.district if credits else "",
                    publication=Publication.model_validate(credits.publication)
                    if credits and credits.publication
                    else None,
                    consent_republication=credits.consent_republication if credits else False,
                )
            )
    return winners


async def snapshot_for(session: AsyncSession, round_id: str) -> ResultsSnapshot | None:
    return await session.get(ResultsSnapshot, round_id)
