"""Judging refuses what it must refuse, on each database: bad points, other people's work, a
passed deadline, peeking at scores, the wrong role, conflicts of interest, double approvals and
ballots, locked scores, hand moves without a reason, prizes over the budget. Every refusal is a
clear message (Vietnamese first) and leaves nothing stored or changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from services.judging.models import (
    Assignment,
    AuditRecord,
    BallotReceipt,
    BallotVote,
    ConflictDeclaration,
    Reminder,
    ResultsSnapshot,
    Round,
    Score,
)
from shared.auth import Role
from shared.contracts.base import utc_now
from shared.contracts.judging import ResultsApproved, ScoreSubmitted
from tests.support.judging import Judging, accepted_event, contest_event, points_for

NOT_YOURS = "Không tìm thấy bài được phân công. / Assignment not found."
BAD_POINTS = "Điểm chưa hợp lệ. / The points are not valid."


@dataclass(frozen=True)
class Setup:
    round_id: str
    council_id: str
    members: dict[int, str]  # juror number → member id

    def juror_of(self, member_id: str) -> int:
        return next(n for n, m in self.members.items() if m == member_id)


async def set_up(
    judging: Judging,
    *,
    bc: int = 3,
    jurors: tuple[int, ...] = (1, 2, 3),
    th_jurors: tuple[int, ...] = (),
    th: int = 0,
    release: bool = True,
    member_extra: dict[int, dict[str, Any]] | None = None,
    **round_extra: Any,
) -> Setup:
    """A preliminary round over ``bc`` BC entries (and ``th`` TH entries): each juror in the BC
    subcommittee, two jurors per entry; assigned, and released unless told otherwise."""
    cid = judging.contest_id
    await judging.feed(
        *[accepted_event(cid, n, "BC") for n in range(1, bc + 1)],
        *[accepted_event(cid, n, "TH") for n in range(1, th + 1)],
    )
    council = await judging.council("preliminary", "Hội đồng sơ khảo")
    extra = member_extra or {}
    members = {
        n: await judging.member(council, n, category_id="cat-BC", **extra.get(n, {}))
        for n in jurors
    }
    for n in th_jurors:
        members[n] = await judging.member(council, n, category_id="cat-TH")
    round_id = await judging.round(council, **round_extra)
    if release:
        await judging.assign_and_release(round_id)
    else:
        await judging.ok(await judging.secretariat.post(f"/api/rounds/{round_id}/assign"))
    return Setup(round_id, council, members)


async def listed(judging: Judging, round_id: str) -> list[dict[str, Any]]:
    got = await judging.secretariat.get(f"/api/rounds/{round_id}/assignments")
    return list(await judging.ok(got))


async def scores(judging: Judging, **where: Any) -> list[Score]:
    async with judging.runtime.db.reading() as session:
        query = sa.select(Score).filter_by(**where)
        return list((await session.scalars(query)).all())


async def audit_actions(judging: Judging) -> list[str]:
    async with judging.runtime.db.reading() as session:
        rows = await session.scalars(sa.select(AuditRecord.action).order_by(AuditRecord.seq))
        return list(rows.all())


def problems_of(response: httpx.Response) -> list[str]:
    detail = response.json()["detail"]
    assert isinstance(detail, dict), detail
    return list(detail["problems"])


def message_of(response: httpx.Response) -> str:
    detail = response.json()["detail"]
    return str(detail["message"] if isinstance(detail, dict) else detail)


def vietnamese_first(message: str) -> None:
    vietnamese, english = message.split(" / ", 1)
    assert vietnamese and english
    assert any(ord(c) > 127 for c in vietnamese), message  # diacritics: it is Vietnamese


# --- 1. points ------------------------------------------------------------------------------------


async def test_bad_points_are_refused_naming_the_criterion(judging: Judging) -> None:
    setup = await set_up(judging)
    aid = (await judging.my_assignments(1, setup.round_id))[0]["assignment_id"]
    url = f"/api/my/assignments/{aid}/score"
    juror = judging.juror(1)

    def body(points: str, submit: bool = False) -> bytes:
        # Written by hand: NaN and Infinity are not JSON that httpx would produce.
        return f'{{"points": {points}, "submit": {json.dumps(submit)}}}'.encode()

    cases = {
        "above the maximum": (
            body('{"content": 41, "discovery": 10, "form": 10, "effect": 10}', True),
            ["Điểm «Nội dung» phải từ 0 đến 40."],
        ),
        "negative": (body('{"form": -1}'), ["Điểm «Hình thức thể hiện» phải từ 0 đến 20."]),
        "NaN": (body('{"discovery": NaN}'), ["Điểm «Tính phát hiện» không phải là một số."]),
        "infinite": (
            body('{"effect": Infinity}'),
            ["Điểm «Hiệu quả xã hội» không phải là một số."],
        ),
        "three decimals": (
            body('{"content": 12.345}'),
            ["Điểm «Nội dung» chỉ được có tối đa 2 chữ số thập phân."],
        ),
        "unknown criterion": (
            body('{"originality": 5}'),
            ["Không có tiêu chí «originality» trong vòng chấm này."],
        ),
        "missing on submit": (
            body('{"content": 30, "discovery": 15}', True),
            ["Chưa chấm điểm «Hình thức thể hiện».", "Chưa chấm điểm «Hiệu quả xã hội»."],
        ),
    }
    for name, (content, expected) in cases.items():
        refused = await juror.put(
            url, content=content, headers={"Content-Type": "application/json"}
        )
        assert refused.status_code == 422, (name, refused.text)
        assert message_of(refused) == BAD_POINTS
        vietnamese_first(message_of(refused))
        found = problems_of(refused)
        assert [p.split(" / ")[0] for p in found] == expected, (name, found)
        for problem in found:
            vietnamese_first(problem)
    assert await scores(judging) == []

    # A comma decimal is not a number at all: refused before the service looks at it.
    comma = await juror.put(url, json={"points": {"content": "12,5"}, "submit": False})
    assert comma.status_code == 422
    assert any("content" in e["loc"] for e in comma.json()["errors"])
    assert await scores(judging) == []

    # A draft may be partial; a wrong submit afterwards leaves the draft as it was.
    draft = await judging.score(1, aid, {"content": 30}, submit=False)
    assert draft.status_code == 200, draft.text
    assert (draft.json()["status"], draft.json()["total"]) == ("draft", None)
    refused = await juror.put(url, json={"points": {"content": 30, "form": 25}, "submit": True})
    assert refused.status_code == 422
    assert any("«Tính phát hiện»" in p for p in problems_of(refused))
    assert any("«Hình thức thể hiện» phải từ 0 đến 20" in p for p in problems_of(refused))
    [stored] = await scores(judging)
    assert (stored.status, stored.points, stored.total) == ("draft", {"content": 30.0}, None)
    assert await judging.events(ScoreSubmitted) == []
    assert "score.submitted" not in await audit_actions(judging)


# --- 2. someone else's assignment -----------------------------------------------------------------


async def test_another_jurors_assignment_cannot_be_scored(judging: Judging) -> None:
    setup = await set_up(judging)
    theirs = (await judging.my_assignments(2, setup.round_id))[0]["assignment_id"]
    juror = judging.juror(1)
    for method, url, payload in (
        ("PUT", f"/api/my/assignments/{theirs}/score", {"points": points_for(80), "submit": True}),
        ("GET", f"/api/my/assignments/{theirs}", None),
        ("POST", f"/api/my/assignments/{theirs}/conflict", {"reason": "Tôi quen tác giả này"}),
    ):
        refused = await juror.request(method, url, json=payload)
        assert refused.status_code == 404, (method, url, refused.text)
        assert refused.json() == {"detail": NOT_YOURS}
    # An id that does not exist answers exactly the same: nothing is learnt.
    unknown = await juror.put(
        "/api/my/assignments/khong-ton-tai/score", json={"points": {}, "submit": False}
    )
    assert (unknown.status_code, unknown.json()) == (404, {"detail": NOT_YOURS})
    assert await scores(judging) == []
    async with judging.runtime.db.reading() as session:
        active = await session.scalar(
            sa.select(Assignment.active).where(Assignment.assignment_id == theirs)
        )
        declared = await session.scalar(sa.select(sa.func.count()).select_from(ConflictDeclaration))
    assert active is True and declared == 0


# --- 3. the deadline ------------------------------------------------------------------------------


async def test_scoring_after_the_deadline_is_refused_but_reading_works(judging: Judging) -> None:
    setup = await set_up(judging)
    aid = (await judging.my_assignments(1, setup.round_id))[0]["assignment_id"]
    await judging.ok(await judging.score(1, aid, {"content": 30, "form": 12.5}, submit=False))
    async with judging.runtime.db.transaction() as session:
        round_ = await session.get(Round, setup.round_id)
        assert round_ is not None
        round_.deadline = utc_now() - timedelta(minutes=1)
    [before] = await scores(judging)

    for submit, points in ((False, {"content": 31.0}), (True, points_for(90))):
        late = await judging.score(1, aid, points, submit=submit)
        assert late.status_code == 409, late.text
        assert late.json()["detail"].startswith("Đã hết hạn chấm của vòng này. / ")

    [after] = await scores(judging)
    assert (after.points, after.status, after.updated_at) == (
        before.points,
        before.status,
        before.updated_at,
    )
    seen = await judging.ok(await judging.juror(1).get(f"/api/my/assignments/{aid}"))
    assert seen["points"] == {"content": 30.0, "form": 12.5}
    assert seen["status"] == "draft" and seen["can_edit"] is False
    assert [
        r["round_id"] for r in await judging.ok(await judging.juror(1).get("/api/my/rounds"))
    ] == [setup.round_id]
    assert len(await judging.my_assignments(1, setup.round_id)) == 2
    assert await judging.events(ScoreSubmitted) == []


# --- 4. other jurors' points ----------------------------------------------------------------------


async def test_a_juror_cannot_read_other_jurors_scores(judging: Judging) -> None:
    setup = await set_up(judging)
    rows = await listed(judging, setup.round_id)
    on = {(r["entry_code"], setup.juror_of(r["member_id"])): r["assignment_id"] for r in rows}
    shared = next(code for code, n in on if n == 1 and (code, 2) in on)
    secret = {"content": 37.75, "discovery": 13.25, "form": 11.5, "effect": 9.5}
    remark = "Nhận xét riêng của giám khảo hai"
    submitted = await judging.juror(2).put(
        f"/api/my/assignments/{on[(shared, 2)]}/score",
        json={"points": secret, "comment": remark, "submit": True},
    )
    assert submitted.status_code == 200, submitted.text

    mine = await judging.ok(await judging.juror(1).get(f"/api/my/assignments/{on[(shared, 1)]}"))
    assert (mine["points"], mine["total"], mine["comment"], mine["status"]) == (
        {},
        None,
        "",
        "todo",
    )
    text = json.dumps(mine, ensure_ascii=False)
    assert "37.75" not in text and remark not in text and "72.0" not in text
    listing = await judging.my_assignments(1, setup.round_id)
    assert {r["status"] for r in listing} == {"todo"} and {r["total"] for r in listing} == {None}

    juror = judging.juror(1)
    rid = setup.round_id
    for url in (
        f"/api/rounds/{rid}/results",
        f"/api/rounds/{rid}/progress",
        f"/api/rounds/{rid}/assignments",
        f"/api/rounds/{rid}/results.xlsx",
        f"/api/rounds/{rid}/results.csv",
        f"/api/rounds/{rid}/minutes.pdf",
    ):
        refused = await juror.get(url)
        assert refused.status_code == 403, (url, refused.text)
        vietnamese_first(refused.json()["detail"])
    other = await juror.get(f"/api/my/assignments/{on[(shared, 2)]}")
    assert (other.status_code, other.json()) == (404, {"detail": NOT_YOURS})
    sheet = await juror.get(f"/api/rounds/{rid}/score-sheets/{setup.members[2]}.pdf")
    assert sheet.status_code == 403
    assert sheet.json()["detail"].startswith("Bạn không có quyền in phiếu này. / ")
    own = await juror.get(f"/api/rounds/{rid}/score-sheets/{setup.members[1]}.pdf")
    assert own.status_code == 200 and own.content.startswith(b"%PDF")


# --- 5. roles -------------------------------------------------------------------------------------


async def test_contestants_and_anonymous_users_are_kept_out(judging: Judging) -> None:
    setup = await set_up(judging)
    rid, cid = setup.round_id, judging.contest_id
    rows = await listed(judging, rid)
    aid, mid = rows[0]["assignment_id"], rows[0]["member_id"]
    before_actions = await audit_actions(judging)
    async with judging.runtime.db.reading() as session:
        planned = await session.scalar(sa.select(sa.func.count()).select_from(Reminder))
    juror_apis: list[tuple[str, str, Any]] = [
        ("GET", "/api/my/rounds", None),
        ("GET", f"/api/my/rounds/{rid}/assignments", None),
        ("GET", f"/api/my/assignments/{aid}", None),
        ("GET", f"/api/my/assignments/{aid}/files/file-BC-001", None),
        ("PUT", f"/api/my/assignments/{aid}/score", {"points": points_for(80), "submit": True}),
        ("POST", f"/api/my/assignments/{aid}/conflict", {"reason": "Tôi quen tác giả này"}),
        ("GET", f"/api/my/rounds/{rid}/ballot", None),
        ("POST", f"/api/my/rounds/{rid}/ballot", {"ballot_no": 1, "choices": {}}),
    ]
    staff_apis: list[tuple[str, str, Any]] = [
        ("GET", "/api/contests", None),
        ("GET", f"/api/contests/{cid}/entries", None),
        ("GET", f"/api/contests/{cid}/councils", None),
        ("POST", f"/api/contests/{cid}/councils", {"kind": "final", "name": "Hội đồng giả"}),
        (
            "POST",
            f"/api/councils/{setup.council_id}/members",
            {"email": "ke-gian@lantoa.vn", "display_name": "Kẻ Gian"},
        ),
        ("GET", f"/api/contests/{cid}/rounds", None),
        ("GET", f"/api/rounds/{rid}", None),
        ("POST", f"/api/rounds/{rid}/assign", None),
        ("GET", f"/api/rounds/{rid}/assignments", None),
        (
            "POST",
            f"/api/rounds/{rid}/move",
            {"assignment_id": aid, "to_member_id": mid, "reason": "Chuyển cho người quen"},
        ),
        ("POST", f"/api/rounds/{rid}/remind", {}),
        (
            "POST",
            f"/api/rounds/{rid}/deadline",
            {"deadline": (utc_now() + timedelta(days=30)).isoformat(), "reason": "Kéo dài hạn"},
        ),
        ("POST", f"/api/rounds/{rid}/close", {"unfinished_reason": "Đóng sớm cho xong"}),
        ("GET", f"/api/rounds/{rid}/progress", None),
        ("GET", f"/api/rounds/{rid}/results", None),
        ("GET", f"/api/rounds/{rid}/results.xlsx", None),
        ("GET", f"/api/rounds/{rid}/results.csv", None),
        ("GET", f"/api/rounds/{rid}/minutes.pdf", None),
        ("GET", f"/api/rounds/{rid}/score-sheets/{mid}.pdf", None),
        ("POST", f"/api/scores/{aid}/reopen", {"reason": "Mở lại giúp tôi"}),
        ("POST", f"/api/rounds/{rid}/ballots", {}),
        ("POST", f"/api/rounds/{rid}/approve", {}),
    ]
    contestant = judging.person(Role.CONTESTANT, "tacgia1-bc@bao.lantoa.vn", "Tác Giả Số 1")
    for method, url, payload in juror_apis + staff_apis:
        anonymous = await judging.client.request(method, url, json=payload)
        assert anonymous.status_code == 401, (method, url, anonymous.text)
        assert anonymous.json()["detail"] == "Bạn cần đăng nhập. / Sign-in required."
        refused = await contestant.request(method, url, json=payload)
        assert refused.status_code == 403, (method, url, refused.text)
        vietnamese_first(message_of(refused))
    # A juror is staff nowhere; the secretariat does not approve results.
    for method, url, payload in staff_apis:
        if "score-sheets" in url:
            continue  # a juror's own sheet is theirs to print (see the exports tests)
        refused = await judging.juror(1).request(method, url, json=payload)
        assert refused.status_code == 403, (method, url, refused.text)
    approve = await judging.secretariat.post(f"/api/rounds/{rid}/approve", json={})
    assert approve.status_code == 403

    assert await audit_actions(judging) == before_actions
    assert await scores(judging) == []
    round_ = await judging.ok(await judging.secretariat.get(f"/api/rounds/{rid}"))
    assert round_["status"] == "released"
    councils = await judging.ok(await judging.secretariat.get(f"/api/contests/{cid}/councils"))
    assert len(councils) == 1 and len(councils[0]["members"]) == 3
    async with judging.runtime.db.reading() as session:
        reminders = await session.scalar(sa.select(sa.func.count()).select_from(Reminder))
    assert planned and reminders == planned  # the automatic ones planned at release, no more


# --- 6. conflicts of interest ---------------------------------------------------------------------


COLLEAGUE = {1: {"relationships": [{"kind": "colleague", "name": "TÁC GIẢ SỐ 2."}]}}


async def test_a_colleagues_entry_is_never_assigned_to_the_juror(judging: Judging) -> None:
    setup = await set_up(judging, member_extra=COLLEAGUE)
    rows = await listed(judging, setup.round_id)
    on_two = sorted(setup.juror_of(r["member_id"]) for r in rows if r["entry_code"] == "BC-002")
    assert on_two == [2, 3]
    assert "BC-002" not in {
        r["entry_code"] for r in await judging.my_assignments(1, setup.round_id)
    }
    assert len(await judging.my_assignments(1, setup.round_id)) == 2  # still fully used


async def test_a_declared_conflict_moves_the_entry_within_the_subcommittee(
    judging: Judging,
) -> None:
    # 4 BC entries × 2 jurors over 3 BC jurors: loads 3, 3, 2. Two TH jurors with one TH
    # entry each are the least loaded of all, but belong to another subcommittee.
    setup = await set_up(judging, bc=4, th=1, th_jurors=(4, 5))
    rows = await listed(judging, setup.round_id)
    loads = {n: sum(r["member_id"] == setup.members[n] for r in rows) for n in (1, 2, 3)}
    leaving = next(n for n in (1, 2, 3) if loads[n] == 3)
    spare = next(n for n in (1, 2, 3) if loads[n] == 2)
    on = {(r["entry_code"], setup.juror_of(r["member_id"])): r for r in rows}
    code = next(c for c, n in on if n == leaving and (c, spare) not in on)
    aid = on[(code, leaving)]["assignment_id"]
    await judging.ok(await judging.score(leaving, aid, {"content": 20}, submit=False))

    declared = await judging.juror(leaving).post(
        f"/api/my/assignments/{aid}/conflict", json={"reason": "Tác giả là đồng nghiệp cũ của tôi"}
    )
    assert declared.status_code == 204, declared.text

    after = await listed(judging, setup.round_id)
    ended = next(r for r in after if r["assignment_id"] == aid)
    assert not ended["active"] and ended["ended_reason"] == "conflict declared"
    before_on_entry = {r["member_id"] for r in rows if r["entry_code"] == code}
    [new] = [
        r
        for r in after
        if r["entry_code"] == code and r["active"] and r["member_id"] not in before_on_entry
    ]
    assert setup.juror_of(new["member_id"]) == spare
    active_loads = [
        sum(r["active"] and r["member_id"] == setup.members[n] for r in after) for n in (1, 2, 3)
    ]
    assert max(active_loads) - min(active_loads) <= 1 and sum(active_loads) == 8
    assert code in {r["entry_code"] for r in await judging.my_assignments(spare, setup.round_id)}

    async with judging.runtime.db.reading() as session:
        [row] = (await session.scalars(sa.select(ConflictDeclaration))).all()
        logged = (
            await session.scalars(
                sa.select(AuditRecord).where(AuditRecord.action == "conflict.declared")
            )
        ).all()
    assert (row.member_id, row.reason) == (
        setup.members[leaving],
        "Tác giả là đồng nghiệp cũ của tôi",
    )
    assert len(logged) == 1 and logged[0].subject == aid
    assert json.loads(logged[0].data)["new_member_id"] == setup.members[spare]
    assert await scores(judging, assignment_id=aid) == []  # the draft went with the assignment

    for again in (
        await judging.juror(leaving).get(f"/api/my/assignments/{aid}"),
        await judging.score(leaving, aid, points_for(70)),
    ):
        assert again.status_code == 403, again.text
        assert again.json()["detail"].startswith("Bạn đã khai báo xung đột lợi ích")
    assert code not in {
        r["entry_code"] for r in await judging.my_assignments(leaving, setup.round_id)
    }


async def test_the_secretariat_cannot_move_work_onto_a_conflicted_juror(judging: Judging) -> None:
    setup = await set_up(judging, member_extra=COLLEAGUE)
    rows = await listed(judging, setup.round_id)
    of_two = next(r for r in rows if r["entry_code"] == "BC-002")
    refused = await judging.secretariat.post(
        f"/api/rounds/{setup.round_id}/move",
        json={
            "assignment_id": of_two["assignment_id"],
            "to_member_id": setup.members[1],
            "reason": "Giám khảo kia bận việc đột xuất",
        },
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"].startswith("Giám khảo có xung đột lợi ích với tác phẩm này / ")

    # A conflict the juror declared counts the same way.
    mine = next(
        r for r in rows if r["member_id"] == setup.members[2] and r["entry_code"] != "BC-002"
    )
    await judging.ok(
        await judging.juror(2).post(
            f"/api/my/assignments/{mine['assignment_id']}/conflict",
            json={"reason": "Tác giả là người nhà của tôi"},
        ),
        204,
    )
    middle = await listed(judging, setup.round_id)
    taken = next(
        r
        for r in middle
        if r["active"]
        and r["entry_code"] == mine["entry_code"]
        and r["member_id"] != setup.members[2]
    )
    back = await judging.secretariat.post(
        f"/api/rounds/{setup.round_id}/move",
        json={
            "assignment_id": taken["assignment_id"],
            "to_member_id": setup.members[2],
            "reason": "Trả lại cho giám khảo ban đầu",
        },
    )
    assert back.status_code == 422, back.text
    assert "xung đột lợi ích" in back.json()["detail"]
    assert await listed(judging, setup.round_id) == middle
    actions = await audit_actions(judging)
    assert "assignment.moved" not in actions


# --- 7, 8, 11. the final round --------------------------------------------------------------------


async def closed_preliminary(judging: Judging) -> str:
    """Three BC entries scored 60, 70, 80 by every juror; the top two advance."""
    setup = await set_up(judging)  # the harness's preliminary advances the top 2
    for n in (1, 2, 3):
        for a in await judging.my_assignments(n, setup.round_id):
            total = 50 + 10 * int(a["entry_code"][-1])
            await judging.ok(await judging.score(n, a["assignment_id"], points_for(total)))
    await judging.ok(await judging.secretariat.post(f"/api/rounds/{setup.round_id}/close", json={}))
    return setup.round_id


async def final_round(judging: Judging, previous: str, *, ballot: bool = False) -> str:
    council = await judging.council("final", "Hội đồng chung khảo")
    for n in (6, 7, 8):
        await judging.member(council, n)
    extra: dict[str, Any] = (
        {"award_mode": "ballot_then_score", "ballot_enabled": True, "ballot_quorum": 2}
        if ballot
        else {"award_mode": "score_only"}
    )
    final = await judging.round(
        council, "final", previous_round_id=previous, jurors_per_entry=3, **extra
    )
    await judging.assign_and_release(final)
    return final


async def closed_final(judging: Judging) -> str:
    final = await final_round(judging, await closed_preliminary(judging))
    for n in (6, 7, 8):
        for a in await judging.my_assignments(n, final):
            total = 50 + 10 * int(a["entry_code"][-1])
            await judging.ok(await judging.score(n, a["assignment_id"], points_for(total)))
    await judging.ok(await judging.secretariat.post(f"/api/rounds/{final}/close", json={}))
    return final


async def snapshots(judging: Judging) -> list[ResultsSnapshot]:
    async with judging.runtime.db.reading() as session:
        return list((await session.scalars(sa.select(ResultsSnapshot))).all())


async def test_results_are_approved_once(judging: Judging) -> None:
    final = await closed_final(judging)
    approved = await judging.ok(
        await judging.organizer.post(f"/api/rounds/{final}/approve", json={})
    )
    again = await judging.organizer.post(f"/api/rounds/{final}/approve", json={})
    assert again.status_code == 409
    assert (
        again.json()["detail"] == "Kết quả đã được phê duyệt. / The results are already approved."
    )
    [snapshot] = await snapshots(judging)
    assert snapshot.sha256 == approved["sha256"]
    assert snapshot.approved_at.isoformat().startswith(approved["approved_at"][:19])
    [event] = await judging.events(ResultsApproved)
    assert event.payload.snapshot_hash == approved["sha256"]
    assert (await audit_actions(judging)).count("results.approved") == 1


async def test_a_juror_votes_once_per_ballot(judging: Judging) -> None:
    final = await final_round(judging, await closed_preliminary(judging), ballot=True)
    await judging.ok(await judging.secretariat.post(f"/api/rounds/{final}/ballots", json={}), 201)
    choices = {"BC-003": "A", "BC-002": "B"}
    first = await judging.juror(6).post(
        f"/api/my/rounds/{final}/ballot", json={"ballot_no": 1, "choices": choices}
    )
    assert first.status_code == 204, first.text
    second = await judging.juror(6).post(
        f"/api/my/rounds/{final}/ballot", json={"ballot_no": 1, "choices": {"BC-003": None}}
    )
    assert second.status_code == 409, second.text
    assert second.json()["detail"].startswith("Bạn đã bỏ phiếu trong lượt này; ")
    async with judging.runtime.db.reading() as session:
        receipts = (await session.scalars(sa.select(BallotReceipt))).all()
        papers = (await session.scalars(sa.select(BallotVote))).all()
    assert len(receipts) == 1 and len(papers) == 1
    assert papers[0].choices == {"entry-BC-0003": "A", "entry-BC-0002": "B"}
    mine = await judging.ok(await judging.juror(6).get(f"/api/my/rounds/{final}/ballot"))
    assert mine["voted"] is True
    assert (await audit_actions(judging)).count("ballot.receipt") == 1


async def test_prizes_over_the_budget_need_a_reason(judging: Judging) -> None:
    judging.contest_id = "contest-small"
    await judging.feed(contest_event("contest-small", categories=("BC",), budget=12_000_000))
    final = await closed_final(judging)
    results = await judging.ok(await judging.secretariat.get(f"/api/rounds/{final}/results"))
    assert (results["total_prize_vnd"], results["prize_budget_vnd"], results["overflow_vnd"]) == (
        17_000_000,
        12_000_000,
        5_000_000,
    )
    tiers = {line["entry_code"]: line["tier"] for line in results["categories"][0]["lines"]}
    assert tiers == {"BC-003": "A", "BC-002": "B"}

    for reason in (None, "  ", "vì"):
        refused = await judging.organizer.post(
            f"/api/rounds/{final}/approve", json={"overflow_reason": reason}
        )
        assert refused.status_code == 409, refused.text
        assert message_of(refused).startswith("Chưa thể phê duyệt kết quả. / ")
        [problem] = problems_of(refused)
        assert problem.startswith("Tổng tiền giải vượt kinh phí 5.000.000 đ; cần nêu lý do")
    assert await snapshots(judging) == []
    assert await judging.events(ResultsApproved) == []
    assert (await judging.ok(await judging.secretariat.get(f"/api/rounds/{final}")))["status"] == (
        "closed"
    )

    reason = "Sở Tài chính đã đồng ý bổ sung kinh phí"
    await judging.ok(
        await judging.organizer.post(
            f"/api/rounds/{final}/approve", json={"overflow_reason": reason}
        )
    )
    async with judging.runtime.db.reading() as session:
        logged = await session.scalar(
            sa.select(AuditRecord.data).where(AuditRecord.action == "results.approved")
        )
    assert logged is not None
    assert json.loads(logged) | {"sha256": ""} == {
        "sha256": "",
        "overflow_reason": reason,
        "overflow_vnd": 5_000_000,
    }
    [event] = await judging.events(ResultsApproved)
    assert (event.payload.total_prize_vnd, event.payload.prize_budget_vnd) == (
        17_000_000,
        12_000_000,
    )


# --- 9. locked scores -----------------------------------------------------------------------------


async def test_a_submitted_score_stays_locked_until_reopened(judging: Judging) -> None:
    setup = await set_up(judging)
    aid = (await judging.my_assignments(1, setup.round_id))[0]["assignment_id"]
    await judging.ok(await judging.score(1, aid, points_for(70)))

    for submit in (False, True):
        locked = await judging.score(1, aid, points_for(95), submit=submit)
        assert locked.status_code == 409, locked.text
        assert locked.json()["detail"].startswith("Phiếu chấm đã nộp và bị khoá; ")
    [stored] = await scores(judging)
    assert (stored.status, stored.total) == ("submitted", 70.0)

    own = await judging.juror(1).post(f"/api/scores/{aid}/reopen", json={"reason": "Tôi chấm nhầm"})
    assert own.status_code == 403  # only the secretariat reopens
    short = await judging.secretariat.post(f"/api/scores/{aid}/reopen", json={"reason": "sai"})
    assert short.status_code == 422
    [stored] = await scores(judging)
    assert stored.status == "submitted"
    assert "score.reopened" not in await audit_actions(judging)

    reason = "Giám khảo báo nhập nhầm điểm tiêu chí Nội dung"
    await judging.ok(
        await judging.secretariat.post(f"/api/scores/{aid}/reopen", json={"reason": reason}), 204
    )
    async with judging.runtime.db.reading() as session:
        [reopened] = (
            await session.scalars(
                sa.select(AuditRecord).where(AuditRecord.action == "score.reopened")
            )
        ).all()
    assert reopened.subject == aid and json.loads(reopened.data)["reason"] == reason
    seen = await judging.ok(await judging.juror(1).get(f"/api/my/assignments/{aid}"))
    assert (seen["status"], seen["can_edit"]) == ("draft", True)

    corrected = await judging.ok(await judging.score(1, aid, points_for(75)))
    assert (corrected["status"], corrected["total"], corrected["can_edit"]) == (
        "submitted",
        75.0,
        False,
    )
    [stored] = await scores(judging)
    assert (stored.status, stored.total) == ("submitted", 75.0)
    assert len(await judging.events(ScoreSubmitted)) == 2
    assert (await audit_actions(judging)).count("score.submitted") == 2


# --- 10. hand moves and release -------------------------------------------------------------------


async def test_hand_moves_need_a_reason_and_nothing_shows_before_release(
    judging: Judging,
) -> None:
    setup = await set_up(judging, release=False)
    rid = setup.round_id
    rows = await listed(judging, rid)
    for n in (1, 2, 3):
        assert (await judging.ok(await judging.juror(n).get("/api/my/rounds"))) == []
        hidden = await judging.juror(n).get(f"/api/my/rounds/{rid}/assignments")
        assert hidden.status_code == 404
    for row in rows:
        n = setup.juror_of(row["member_id"])
        hidden = await judging.juror(n).get(f"/api/my/assignments/{row['assignment_id']}")
        assert (hidden.status_code, hidden.json()) == (404, {"detail": NOT_YOURS})

    moving = rows[0]
    on_entry = {r["member_id"] for r in rows if r["entry_code"] == moving["entry_code"]}
    target = next(m for m in setup.members.values() if m not in on_entry)
    body = {"assignment_id": moving["assignment_id"], "to_member_id": target}
    for reason in ("", "bận", "    x    "):
        short = await judging.secretariat.post(
            f"/api/rounds/{rid}/move", json=body | {"reason": reason}
        )
        assert short.status_code == 422, short.text
    assert await listed(judging, rid) == rows

    reason = "Giám khảo ốm, chuyển bài cho người khác"
    moved = await judging.ok(
        await judging.secretariat.post(f"/api/rounds/{rid}/move", json=body | {"reason": reason})
    )
    assert (moved["member_id"], moved["entry_code"], moved["active"]) == (
        target,
        moving["entry_code"],
        True,
    )
    after = {r["assignment_id"]: r for r in await listed(judging, rid)}
    old = after[moving["assignment_id"]]
    assert not old["active"] and old["ended_reason"] == f"moved: {reason}"
    async with judging.runtime.db.reading() as session:
        logged = await session.scalar(
            sa.select(AuditRecord.data).where(AuditRecord.action == "assignment.moved")
        )
    assert logged is not None and json.loads(logged)["reason"] == reason

    n = setup.juror_of(target)
    assert (await judging.ok(await judging.juror(n).get("/api/my/rounds"))) == []
    early = await judging.juror(n).get(f"/api/my/assignments/{moved['assignment_id']}")
    assert early.status_code == 404

    await judging.ok(await judging.secretariat.post(f"/api/rounds/{rid}/release"))
    codes = {a["entry_code"] for a in await judging.my_assignments(n, rid)}
    assert moving["entry_code"] in codes
    gone = await judging.juror(setup.juror_of(moving["member_id"])).get(
        f"/api/my/assignments/{moving['assignment_id']}"
    )
    assert gone.status_code == 404
