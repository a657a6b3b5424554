"""A contest judged from end to end over HTTP on each database: councils and subcommittees,
conflict-free balanced assignment, blind scoring, advancement, the final round's secret
ballot, awards within quotas, approval with a frozen hash, and the audit log recomputed."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from services.judging.audit.verify import verify_audit
from services.judging.models import Score
from shared.contracts.judging import JurorAssigned, ResultsApproved, RoundClosed, ScoreSubmitted
from tests.support.judging import Judging, accepted_event, points_for


async def _preliminary(judging: Judging) -> tuple[str, dict[str, str]]:
    cid = judging.contest_id
    # Entry BC-001's author works where juror 1 works: juror 1 must never get it.
    await judging.feed(
        accepted_event(cid, 1, "BC", organisation="Đài PT-TH số 1"),
        *[accepted_event(cid, n, "BC") for n in range(2, 7)],
        *[accepted_event(cid, n, "TH") for n in range(1, 5)],
    )
    council = await judging.council("preliminary", "Hội đồng sơ khảo")
    members = {}
    for n in (1, 2, 3):
        members[str(n)] = await judging.member(council, n, category_id="cat-BC")
    for n in (4, 5):
        members[str(n)] = await judging.member(council, n, category_id="cat-TH")
    round_id = await judging.round(council)
    return round_id, members


async def test_a_contest_is_judged_from_assignment_to_approved_results(judging: Judging) -> None:
    round_id, members = await _preliminary(judging)
    # Nothing is visible to a juror before release.
    assert (await judging.juror(1).get("/api/my/rounds")).json() == []

    plan = await judging.assign_and_release(round_id)
    assert plan["balanced"] and plan["short"] == {} and plan["assignments"] == 6 * 2 + 4 * 2
    listed = await judging.ok(await judging.secretariat.get(f"/api/rounds/{round_id}/assignments"))
    assert not [a for a in listed if a["entry_code"] == "BC-001" and a["member_id"] == members["1"]]
    loads: dict[str, int] = {}
    for a in listed:
        loads[a["member_id"]] = loads.get(a["member_id"], 0) + 1
    assert sorted(loads[members[n]] for n in "123") == [4, 4, 4]
    assert sorted(loads[members[n]] for n in "45") == [4, 4]
    assert len(await judging.events(JurorAssigned)) == 5

    # Blind: the juror's view of an entry names no author anywhere.
    mine = await judging.my_assignments(2, round_id)
    first = await judging.ok(
        await judging.juror(2).get(f"/api/my/assignments/{mine[0]['assignment_id']}")
    )
    text = json.dumps(first, ensure_ascii=False)
    assert first["authors"] is None and "Tác Giả Số" not in text and "@bao.lantoa.vn" not in text
    assert "media/" not in text and "object_key" not in text  # links go through judging
    assert first["files"][0]["url"].startswith("/api/my/assignments/")

    # Each juror scores: the BC entries by their number, so the ranking is known.
    totals = {f"BC-00{n}": 50 + n * 6 for n in range(1, 7)} | {
        f"TH-00{n}": 60 + n * 5 for n in range(1, 5)
    }
    for n in (1, 2, 3, 4, 5):
        for a in await judging.my_assignments(n, round_id):
            draft = await judging.score(n, a["assignment_id"], {"content": 30}, submit=False)
            assert draft.status_code == 200, draft.text
            done = await judging.score(n, a["assignment_id"], points_for(totals[a["entry_code"]]))
            assert done.status_code == 200, done.text
            assert done.json()["status"] == "submitted" and not done.json()["can_edit"]
    assert len(await judging.events(ScoreSubmitted)) == 20
    progress = await judging.ok(await judging.secretariat.get(f"/api/rounds/{round_id}/progress"))
    assert progress["submitted"] == progress["assigned"] == 20

    await judging.ok(await judging.secretariat.post(f"/api/rounds/{round_id}/close", json={}))
    closed = (await judging.events(RoundClosed))[0].payload
    results = await judging.ok(await judging.secretariat.get(f"/api/rounds/{round_id}/results"))
    assert results["method_label"]
    by_cat = {c["code"]: c for c in results["categories"]}
    assert [line["entry_code"] for line in by_cat["BC"]["lines"][:2]] == ["BC-006", "BC-005"]
    assert by_cat["BC"]["lines"][0]["mean"] == 86.0
    advancing = {
        line["entry_id"] for c in results["categories"] for line in c["lines"] if line["advancing"]
    }
    assert set(closed.advancing) == advancing and len(advancing) == 4

    # The final round: a council of three, every finalist scored by all, and a secret ballot.
    final_council = await judging.council("final", "Hội đồng chung khảo")
    for n in (6, 7, 8):
        await judging.member(final_council, n)
    final = await judging.round(
        final_council,
        "final",
        previous_round_id=round_id,
        jurors_per_entry=3,
        award_mode="ballot_then_score",
        ballot_enabled=True,
        ballot_quorum=3,
    )
    await judging.assign_and_release(final)
    for n in (6, 7, 8):
        for a in await judging.my_assignments(n, final):
            await judging.ok(
                await judging.score(n, a["assignment_id"], points_for(totals[a["entry_code"]]))
            )
    await judging.ok(await judging.secretariat.post(f"/api/rounds/{final}/ballots", json={}), 201)
    ballot = await judging.ok(await judging.juror(6).get(f"/api/my/rounds/{final}/ballot"))
    assert ballot["ballot_no"] == 1 and len(ballot["finalists"]) == 4
    votes = {"BC-006": "A", "BC-005": "B", "TH-004": "A", "TH-003": None}
    for n in (6, 7, 8):
        cast = await judging.juror(n).post(
            f"/api/my/rounds/{final}/ballot", json={"ballot_no": 1, "choices": votes}
        )
        assert cast.status_code == 204, cast.text
    await judging.ok(await judging.secretariat.post(f"/api/rounds/{final}/ballots/close"))
    await judging.ok(await judging.secretariat.post(f"/api/rounds/{final}/close", json={}))
    final_results = await judging.ok(await judging.secretariat.get(f"/api/rounds/{final}/results"))
    tiers = {
        line["entry_code"]: line["tier"] for c in final_results["categories"] for line in c["lines"]
    }
    assert tiers == {"BC-006": "A", "BC-005": "B", "TH-004": "A", "TH-003": None}
    assert final_results["total_prize_vnd"] == 27_000_000 and final_results["overflow_vnd"] == 0

    approved = await judging.ok(
        await judging.organizer.post(f"/api/rounds/{final}/approve", json={})
    )
    assert len(approved["sha256"]) == 64
    again = await judging.organizer.post(f"/api/rounds/{final}/approve", json={})
    assert again.status_code == 409
    event = (await judging.events(ResultsApproved))[0].payload
    assert event.snapshot_hash == approved["sha256"]
    winners = {w.code: w for w in event.winners}
    assert set(winners) == {"BC-006", "BC-005", "TH-004"}
    assert winners["BC-006"].authors[0].full_name == "Tác Giả Số 6"  # revealed now
    assert winners["BC-006"].prize_vnd == 10_000_000 and winners["BC-006"].tier_name == "Giải A"

    async with judging.runtime.db.reading() as session:
        report = await verify_audit(session)
    assert report.ok, report.problems
    assert report.scores_checked == 20 + 12 and report.snapshots_checked == 1

    # A score changed behind the service's back is caught.
    async with judging.runtime.db.transaction() as session:
        score = (
            await session.scalars(sa.select(Score).where(Score.round_id == final).limit(1))
        ).one()
        changed: dict[str, Any] = dict(score.points)
        changed["content"] = 40.0
        score.points = changed
        score.total = 99.0
    async with judging.runtime.db.reading() as session:
        report = await verify_audit(session)
    assert not report.ok and any(score.assignment_id in p for p in report.problems)
