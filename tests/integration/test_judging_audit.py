"""The operator's ``python -m services.judging verify-audit``, run as a real process against
each database: it passes on an intact log and exits 1, naming the finding, after a stored score
is changed behind the service's back, an audit record is edited, or one is deleted. Records
appended by concurrent requests still form one unbroken chain."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from services.judging.audit.verify import verify_audit
from services.judging.models import AuditRecord, Score
from shared.contracts.judging import ScoreSubmitted
from tests.conftest import DatabaseTarget
from tests.support.judging import Judging, accepted_event, points_for

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Verdict:
    code: int
    report: dict[str, Any]
    output: str


async def verify_command(judging: Judging, database: DatabaseTarget) -> Verdict:
    """Run the command in its own process, configured only by the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTOA_")}
    env |= judging.infra.env() | {"LANTOA_JUDGING_DATABASE_URL": database.url}
    if database.schema:
        env["LANTOA_JUDGING_DATABASE_SCHEMA"] = database.schema
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.judging",
        "verify-audit",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    output = out.decode() + err.decode()
    assert process.returncode is not None
    # Log lines may share stdout with the report: take the report's JSON object.
    start = output.index('{\n  "ok"')
    report, _ = json.JSONDecoder().raw_decode(output, start)
    return Verdict(process.returncode, report, output)


async def scored_round(judging: Judging, entries: int = 3) -> str:
    """``entries`` BC entries, three jurors, two per entry, every score submitted."""
    cid = judging.contest_id
    await judging.feed(*[accepted_event(cid, n, "BC") for n in range(1, entries + 1)])
    council = await judging.council("preliminary", "Hội đồng sơ khảo")
    for n in (1, 2, 3):
        await judging.member(council, n, category_id="cat-BC")
    round_id = await judging.round(council)
    await judging.assign_and_release(round_id)
    for n in (1, 2, 3):
        for a in await judging.my_assignments(n, round_id):
            await judging.ok(await judging.score(n, a["assignment_id"], points_for(60 + n)))
    return round_id


async def intact(judging: Judging, database: DatabaseTarget, scores: int) -> int:
    """Check the untouched log passes (the command's own check, run in this process: the
    findings below run it as a process); return how many records it has."""
    async with judging.runtime.db.reading() as session:
        report = await verify_audit(session)
    assert report.ok and report.problems == []
    assert report.scores_checked == scores
    assert report.records > scores
    return report.records


async def broken(judging: Judging, database: DatabaseTarget) -> list[str]:
    verdict = await verify_command(judging, database)
    assert verdict.code == 1, verdict.output
    assert verdict.report["ok"] is False
    return list(verdict.report["problems"])


async def test_a_score_changed_behind_the_services_back_is_found(
    judging: Judging, database: DatabaseTarget
) -> None:
    await scored_round(judging)
    await intact(judging, database, scores=6)
    clean = await verify_command(judging, database)  # the operator's command: exit 0 when intact
    assert clean.code == 0 and clean.report["ok"] is True, clean.output
    assert clean.report["scores_checked"] == 6
    async with judging.runtime.db.transaction() as session:
        score = (await session.scalars(sa.select(Score).order_by(Score.assignment_id))).first()
        assert score is not None
        changed = dict(score.points) | {"content": 40.0}
        score.points = changed
        score.total = 99.0
        tampered = score.assignment_id
    [problem] = await broken(judging, database)
    assert problem.startswith(f"score {tampered}: the table says ")
    assert "= 99.0" in problem


async def test_an_edited_audit_record_is_found(judging: Judging, database: DatabaseTarget) -> None:
    await scored_round(judging)
    await intact(judging, database, scores=6)
    async with judging.runtime.db.transaction() as session:
        record = (
            await session.scalars(
                sa.select(AuditRecord)
                .where(AuditRecord.action == "score.submitted")
                .order_by(AuditRecord.seq)
            )
        ).first()
        assert record is not None
        data = json.loads(record.data)
        data["points"]["content"] = 40.0  # the log now claims more points than were given
        record.data = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        seq = record.seq
    problems = await broken(judging, database)
    assert f"audit chain broken at record {seq}: its content does not match its hash" in problems


async def test_a_deleted_audit_record_is_found(judging: Judging, database: DatabaseTarget) -> None:
    await scored_round(judging)
    records = await intact(judging, database, scores=6)
    middle = records // 2
    async with judging.runtime.db.transaction() as session:
        await session.execute(sa.delete(AuditRecord).where(AuditRecord.seq == middle))
    problems = await broken(judging, database)
    assert f"audit chain broken at record {middle + 1}: record {middle} is missing" in problems


async def test_a_record_deleted_from_the_end_is_found(
    judging: Judging, database: DatabaseTarget
) -> None:
    """Cutting the log short leaves a chain that is unbroken as far as it goes: the chain's
    head still knows how long it was."""
    round_id = await scored_round(judging)
    await judging.ok(await judging.secretariat.post(f"/api/rounds/{round_id}/close", json={}))
    records = await intact(judging, database, scores=6)
    async with judging.runtime.db.transaction() as session:
        action = await session.scalar(
            sa.select(AuditRecord.action).where(AuditRecord.seq == records)
        )
        assert action == "round.closed"
        await session.execute(sa.delete(AuditRecord).where(AuditRecord.seq == records))
    problems = await broken(judging, database)
    assert any(f"record {records}" in p for p in problems), problems


async def test_concurrent_requests_append_one_unbroken_chain(
    judging: Judging, database: DatabaseTarget
) -> None:
    cid = judging.contest_id
    await judging.feed(*[accepted_event(cid, n, "BC") for n in range(1, 11)])
    council = await judging.council("preliminary", "Hội đồng sơ khảo")
    for n in (1, 2, 3, 4):
        await judging.member(council, n, category_id="cat-BC")
    round_id = await judging.round(council)
    await judging.assign_and_release(round_id)
    work = [
        (n, a["assignment_id"])
        for n in (1, 2, 3, 4)
        for a in await judging.my_assignments(n, round_id)
    ]
    assert len(work) == 20

    answers = await asyncio.gather(
        *[judging.score(n, aid, points_for(50 + i)) for i, (n, aid) in enumerate(work)]
    )
    assert [a.status_code for a in answers] == [200] * 20, [a.text for a in answers]

    async with judging.runtime.db.reading() as session:
        report = await verify_audit(session)
        seqs = list((await session.scalars(sa.select(AuditRecord.seq).order_by("seq"))).all())
    assert report.ok, report.problems
    assert report.scores_checked == 20
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(await judging.events(ScoreSubmitted)) == 20
    await intact(judging, database, scores=20)
