"""An entry's life: every rule checked at submission with its own message, edits kept as
versions, withdrawal, and the secretariat's screening with an anonymised EntryScreened."""

from __future__ import annotations

from datetime import timedelta

import httpx

from services.submissions.models import Contest
from shared.auth import Role
from shared.contracts.base import utc_now
from shared.contracts.submissions import EntryScreened, EntrySubmitted, EntryWithdrawn
from tests.integration.conftest import Submissions
from tests.support import samples
from tests.support.flows import author, entry_body
from tests.support.uploader import upload


async def _ready_entry(
    contestant: httpx.AsyncClient, contest_id: str, title: str, authors: list[dict[str, str]]
) -> str:
    created = await contestant.post(
        "/api/entries", json=entry_body(contest_id, title, authors=authors)
    )
    assert created.status_code == 201, created.text
    entry_id = str(created.json()["entry_id"])
    result = await upload(contestant, entry_id, "bai.txt", samples.text_article(800))
    assert result.status == "verified", result.file
    return entry_id


async def test_quota_counts_co_authorship_and_staff_cannot_enter(submissions: Submissions) -> None:
    contest_id = await submissions.contest("LC1", eligibility={"entries_per_author": 1})
    contestant = await submissions.person(Role.CONTESTANT, "a@lc1.vn")
    await submissions.person(Role.JUROR, "giamkhao@lc1.vn", "Vi Đức Thắng")
    first = await _ready_entry(contestant, contest_id, "Bài thứ nhất", [author("a@lc1.vn")])
    assert (await contestant.post(f"/api/entries/{first}/submit")).status_code == 200

    # The same person as a co-author of a second entry: over the quota of one.
    second = await _ready_entry(
        contestant,
        contest_id,
        "Bài thứ hai",
        [author("b@lc1.vn", "Trần Văn B"), author("a@lc1.vn", "Nguyễn Thị A")],
    )
    refused = await contestant.post(f"/api/entries/{second}/submit")
    assert refused.status_code == 422
    problems = refused.json()["detail"]["problems"]
    assert any("Nguyễn Thị A" in p and "1" in p for p in problems), problems

    # A juror listed as an author.
    third = await _ready_entry(
        contestant, contest_id, "Bài thứ ba", [author("giamkhao@lc1.vn", "Vi Đức Thắng")]
    )
    excluded = await contestant.post(f"/api/entries/{third}/submit")
    assert excluded.status_code == 422
    assert any("Ban Giám khảo" in p for p in excluded.json()["detail"]["problems"])
    # Nothing stored was lost: the drafts and their files are still there.
    for entry_id in (second, third):
        entry = (await contestant.get(f"/api/entries/{entry_id}")).json()
        assert entry["status"] == "draft" and entry["files"][0]["status"] == "verified"


async def test_deadline_edits_versions_and_withdrawal(submissions: Submissions) -> None:
    contest_id = await submissions.contest("LC2")
    contestant = await submissions.person(Role.CONTESTANT, "a@lc2.vn")
    entry_id = await _ready_entry(contestant, contest_id, "Phiên bản một", [author("a@lc2.vn")])
    assert (await contestant.post(f"/api/entries/{entry_id}/submit")).json()["version"] == 1
    body = entry_body(contest_id, "Phiên bản hai", authors=[author("a@lc2.vn")])
    del body["contest_id"], body["category_code"]
    edited = await contestant.put(f"/api/entries/{entry_id}", json=body)
    assert edited.status_code == 200 and edited.json()["status"] == "submitted"
    again = await contestant.post(f"/api/entries/{entry_id}/submit")
    assert again.json()["version"] == 2 and again.json()["code"] == "LC2-BC-0001"
    submitted = [
        e for e in await submissions.events(EntrySubmitted) if e.payload.entry_id == entry_id
    ]
    assert [e.payload.version for e in submitted] == [1, 2]
    assert submitted[-1].payload.title == "Phiên bản hai"

    withdrawn = await contestant.post(f"/api/entries/{entry_id}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert [e.payload.code for e in await submissions.events(EntryWithdrawn)] == ["LC2-BC-0001"]

    # After the deadline: no submission, no edit, with the reason said plainly.
    late = await _ready_entry(contestant, contest_id, "Bài nộp muộn", [author("a@lc2.vn")])
    async with submissions.runtime.db.transaction() as session:
        contest = await session.get(Contest, contest_id)
        assert contest is not None
        ended = (utc_now() - timedelta(minutes=1)).isoformat()
        contest.phases = [{**p, "ends_at": ended} for p in contest.phases]
    refused = await contestant.post(f"/api/entries/{late}/submit")
    assert refused.status_code == 409
    assert "hết hạn" in refused.json()["detail"]
    assert (await contestant.put(f"/api/entries/{late}", json=body)).status_code == 409


async def test_screening_decisions_are_logged_and_accepting_sends_an_anonymised_entry(
    submissions: Submissions,
) -> None:
    contest_id = await submissions.contest("LC3")
    contestant = await submissions.person(Role.CONTESTANT, "tacgia@lc3.vn")
    other = await submissions.person(Role.CONTESTANT, "khac@lc3.vn")
    secretary = await submissions.person(Role.SECRETARIAT, "thuky@lc3.vn", "Hoàng Thu Hà")
    entry_id = await _ready_entry(
        contestant, contest_id, "Người thầy bản Khuổi", [author("tacgia@lc3.vn")]
    )
    # The same file sent in someone else's entry is flagged (the generator is deterministic).
    copy = (
        await other.post(
            "/api/entries", json=entry_body(contest_id, "Bản sao", authors=[author("khac@lc3.vn")])
        )
    ).json()
    await upload(other, copy["entry_id"], "copy.txt", samples.text_article(800))
    # The exemplar's code in publish's press room: checked by its form only, written the one way.
    body = entry_body(contest_id, "Người thầy bản Khuổi", authors=[author("tacgia@lc3.vn")])
    body["exemplars"] = [{"name": "Ông Hoàng Văn Páo", "exemplar_id": "Hoàng Văn Páo"}]
    assert (await contestant.put(f"/api/entries/{entry_id}", json=body)).status_code == 422
    body["exemplars"][0]["exemplar_id"] = "gd-7"
    edited = await contestant.put(f"/api/entries/{entry_id}", json=body)
    assert edited.json()["exemplars"][0]["exemplar_id"] == "GD-0007"
    await contestant.post(f"/api/entries/{entry_id}/submit")
    await other.post(f"/api/entries/{copy['entry_id']}/submit")

    assert (await contestant.get("/api/screening/entries")).status_code == 403
    queue = (
        await secretary.get("/api/screening/entries", params={"contest_id": contest_id})
    ).json()
    mine = next(i for i in queue if i["entry_id"] == entry_id)
    assert mine["duplicate"] is True and mine["status"] == "submitted"
    detail = (await secretary.get(f"/api/screening/entries/{entry_id}")).json()
    assert detail["duplicates"][0]["other_entry_id"] == copy["entry_id"]
    url = next(iter(detail["file_urls"].values()))
    async with httpx.AsyncClient() as browser:
        ranged = await browser.get(url, headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206 and len(ranged.content) == 10

    no_reason = await secretary.post(
        f"/api/screening/entries/{entry_id}/decision", json={"decision": "rejected"}
    )
    assert no_reason.status_code == 422
    revise = await secretary.post(
        f"/api/screening/entries/{entry_id}/decision",
        json={"decision": "revision_requested", "reason": "Thiếu bản dịch tóm tắt."},
    )
    assert revise.json()["status"] == "revision_requested"
    await contestant.post(f"/api/entries/{entry_id}/submit")  # resubmitted after revision
    accepted = await secretary.post(
        f"/api/screening/entries/{entry_id}/decision", json={"decision": "accepted"}
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    twice = await secretary.post(
        f"/api/screening/entries/{entry_id}/decision", json={"decision": "accepted"}
    )
    assert twice.status_code == 409

    detail = (await secretary.get(f"/api/screening/entries/{entry_id}")).json()
    assert [(h["action"], h["decided_by_name"]) for h in detail["history"]] == [
        ("revision_requested", "Hoàng Thu Hà"),
        ("accepted", "Hoàng Thu Hà"),
    ]
    screened = [
        e for e in await submissions.events(EntryScreened) if e.payload.entry_id == entry_id
    ]
    assert [e.payload.decision.value for e in screened] == ["revision_requested", "accepted"]
    anonymised = screened[-1].payload.entry
    assert anonymised is not None and anonymised.title == "Người thầy bản Khuổi"
    assert [(x.name, x.exemplar_id) for x in anonymised.exemplars] == [
        ("Ông Hoàng Văn Páo", "GD-0007")
    ]
    blind = anonymised.model_dump_json()
    for identifying in (
        "tacgia@lc3.vn",
        "Nguyễn Thị Tác Giả",
        "Hoa Mai",
        "Báo Lạng Sơn",
        "bai.txt",
    ):
        assert identifying not in blind
    assert screened[-1].payload.entry.files[0].object_key.startswith("media/")  # type: ignore[union-attr]

    # Once the rounds begin, the author sees the accepted entry as being judged.
    assert (await contestant.get(f"/api/entries/{entry_id}")).json()["stage"] == "accepted"
    async with submissions.runtime.db.transaction() as session:
        contest = await session.get(Contest, contest_id)
        assert contest is not None
        began = (utc_now() - timedelta(hours=1)).isoformat()
        later = (utc_now() + timedelta(days=10)).isoformat()
        round_one = {"kind": "preliminary_round", "starts_at": began, "ends_at": later}
        contest.phases = [*contest.phases, round_one]
    assert (await contestant.get(f"/api/entries/{entry_id}")).json()["stage"] == "in_judging"
