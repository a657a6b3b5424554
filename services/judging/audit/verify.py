"""Check the audit log and recompute from it: the chain must be unbroken, every stored score
and ballot paper must be what the log says, and every approved snapshot must match both its
hash and the results recomputed from the logged scores.

``python -m services.judging verify-audit`` prints the findings and exits 1 on any.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.aggregates import RankingMethod, ScoreRow, compute_results
from ..domain.audit_chain import canonical_json, sha256_hex, verify_chain
from ..models import AuditHead, BallotVote, ResultsSnapshot, Round, Score
from .service import CHAIN, link_of, records


@dataclass
class AuditReport:
    records: int = 0
    scores_checked: int = 0
    snapshots_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Replay:
    """The state the log describes, rebuilt record by record."""

    scores: dict[str, dict[str, Any]] = field(default_factory=dict)  # assignment → data
    papers: Counter[tuple[str, int, str]] = field(default_factory=Counter)
    approved: dict[str, str] = field(default_factory=dict)  # round → sha256

    def apply(self, action: str, subject: str, round_id: str | None, data: dict[str, Any]) -> None:
        if action == "score.submitted":
            self.scores[subject] = {**data, "round_id": round_id}
        elif action in ("score.reopened", "conflict.declared"):
            self.scores.pop(subject, None)
        elif action == "ballot.paper" and round_id is not None:
            self.papers[(round_id, int(data["ballot_no"]), canonical_json(data["choices"]))] += 1
        elif action == "results.approved" and round_id is not None:
            self.approved[round_id] = str(data["sha256"])


async def verify_audit(session: AsyncSession) -> AuditReport:
    report = AuditReport()
    replay = _Replay()
    links = []
    async for row in records(session):
        report.records += 1
        links.append((link_of(row), row.prev_hash, row.hash))
        replay.apply(row.action, row.subject, row.round_id, json.loads(row.data))
    broken = verify_chain(links)
    if broken is not None:
        report.problems.append(f"audit chain broken at record {broken.seq}: {broken.reason}")
    await _check_head(
        session, links[-1][0].seq if links else 0, links[-1][2] if links else None, report
    )
    await _check_scores(session, replay, report)
    await _check_papers(session, replay, report)
    await _check_snapshots(session, replay, report)
    return report


async def _check_head(
    session: AsyncSession, last_seq: int, last_hash: str | None, report: AuditReport
) -> None:
    """A log cut short from its end is still a valid chain: the head knows where it ended."""
    head = await session.get(AuditHead, CHAIN)
    if head is None:
        if last_seq:
            report.problems.append("audit chain has records but no head")
    elif (head.seq, head.hash) != (last_seq, last_hash):
        report.problems.append(
            f"audit log ends at record {last_seq} but its head is record {head.seq}: "
            "records were removed from its end"
        )


async def _check_scores(session: AsyncSession, replay: _Replay, report: AuditReport) -> None:
    stored = {
        s.assignment_id: s
        for s in (await session.scalars(sa.select(Score).where(Score.status == "submitted")))
    }
    for assignment_id, logged in replay.scores.items():
        report.scores_checked += 1
        score = stored.pop(assignment_id, None)
        if score is None:
            report.problems.append(f"score {assignment_id}: in the log, missing from the table")
        elif score.points != logged["points"] or score.total != logged["total"]:
            report.problems.append(
                f"score {assignment_id}: the table says {score.points} = {score.total}, "
                f"the log says {logged['points']} = {logged['total']}"
            )
    for assignment_id in stored:
        report.problems.append(f"score {assignment_id}: in the table, never logged")


async def _check_papers(session: AsyncSession, replay: _Replay, report: AuditReport) -> None:
    closed_rounds = {key[0] for key in replay.papers}
    stored: Counter[tuple[str, int, str]] = Counter()
    for vote in await session.scalars(
        sa.select(BallotVote).where(BallotVote.round_id.in_(closed_rounds))
    ):
        stored[(vote.round_id, vote.ballot_no, canonical_json(vote.choices))] += 1
    logged_ballots = {(r, n) for r, n, _ in replay.papers}
    stored = Counter({k: v for k, v in stored.items() if (k[0], k[1]) in logged_ballots})
    if stored != replay.papers:
        report.problems.append("ballot papers in the table differ from those in the log")


async def _check_snapshots(session: AsyncSession, replay: _Replay, report: AuditReport) -> None:
    for snapshot in await session.scalars(sa.select(ResultsSnapshot)):
        report.snapshots_checked += 1
        rid = snapshot.round_id
        if sha256_hex(snapshot.data) != snapshot.sha256:
            report.problems.append(f"results of round {rid}: the snapshot does not match its hash")
        if replay.approved.get(rid) != snapshot.sha256:
            report.problems.append(f"results of round {rid}: the hash is not the one logged")
        round_ = await session.get(Round, rid)
        if round_ is None:
            continue
        rows = [
            ScoreRow(d["entry_id"], d["category_id"], d["member_id"], float(d["total"]))
            for d in replay.scores.values()
            if d["round_id"] == rid and d["total"] is not None
        ]
        recomputed = compute_results(rows, RankingMethod(round_.method))
        values = {
            r.entry_id: (r.rank, r.value) for c in recomputed.categories.values() for r in c.ranking
        }
        frozen = json.loads(snapshot.data)
        for category in frozen["categories"]:
            for line in category["lines"]:
                if line["rank"] is None:
                    continue
                if values.get(line["entry_id"]) != (line["rank"], line["value"]):
                    report.problems.append(
                        f"results of round {rid}: entry {line['code']} recomputes to "
                        f"{values.get(line['entry_id'])}, the snapshot says "
                        f"{(line['rank'], line['value'])}"
                    )
