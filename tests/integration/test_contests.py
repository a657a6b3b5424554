"""Contest set-up: rules as sanitised rich text and a PDF, awards within the budget, versions
published as events, and changes after opening that need a reason and stay in the history."""

from __future__ import annotations

import httpx

from shared.auth import Role
from shared.contracts.submissions import ContestPublished
from tests.integration.conftest import Submissions
from tests.support import samples
from tests.support.flows import contest_body


async def test_a_contest_is_set_up_published_and_changed_with_a_reason(
    submissions: Submissions,
) -> None:
    organizer = await submissions.person(Role.ORGANIZER, "btc@ct1.vn", "Ban Tổ chức")
    body = contest_body("CT1")
    body["rules_html"] = (
        "<h2>Điều 1</h2><p onclick='steal()'>Tác phẩm <strong>đã đăng</strong></p>"
        "<script>alert(1)</script><a href='javascript:alert(2)'>x</a>"
    )
    created = await organizer.post("/api/contests", json=body)
    assert created.status_code == 201, created.text
    contest_id = created.json()["contest_id"]
    rules = created.json()["rules_html"]
    assert "<strong>đã đăng</strong>" in rules
    for dangerous in ("<script", "onclick", "javascript:"):
        assert dangerous not in rules

    not_pdf = await organizer.put(f"/api/contests/{contest_id}/rules.pdf", content=samples.png())
    assert not_pdf.status_code == 415
    attached = await organizer.put(f"/api/contests/{contest_id}/rules.pdf", content=samples.pdf())
    assert attached.status_code == 204
    assert (await organizer.post(f"/api/contests/{contest_id}/publish", json={})).status_code == 200
    link = await submissions.client.get(f"/api/contests/{contest_id}/rules.pdf")
    assert link.status_code == 307
    async with httpx.AsyncClient() as browser:
        pdf = await browser.get(link.headers["location"])
    assert pdf.content == samples.pdf()

    # Submissions are open: a change needs a reason, and becomes version 2.
    body["categories"][0]["rules"]["max_files"] = 5
    silent = await organizer.put(f"/api/contests/{contest_id}", json={"contest": body})
    assert silent.status_code == 422
    assert "lý do" in silent.json()["detail"]
    changed = await organizer.put(
        f"/api/contests/{contest_id}",
        json={"contest": body, "reason": "Cho phép nộp loạt bài tới 5 tệp theo Công văn 12/STTTT"},
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    history = (await organizer.get(f"/api/contests/{contest_id}/history")).json()
    assert [(h["version"], h["reason"]) for h in history] == [
        (1, None),
        (2, "Cho phép nộp loạt bài tới 5 tệp theo Công văn 12/STTTT"),
    ]
    events = [e for e in await submissions.events(ContestPublished) if e.contest_id == contest_id]
    assert [e.payload.version for e in events] == [1, 2]
    assert events[-1].payload.categories[0].rules.max_files == 5
    assert events[-1].payload.change_reason is not None
    assert events[-1].payload.rules_pdf_key is not None

    # A published category cannot disappear; categories keep their identity across versions.
    fewer = {**body, "categories": body["categories"][1:]}
    removed = await organizer.put(
        f"/api/contests/{contest_id}", json={"contest": fewer, "reason": "bỏ thể loại"}
    )
    assert removed.status_code == 409
    assert (
        events[0].payload.categories[0].category_id == events[1].payload.categories[0].category_id
    )

    contestant = await submissions.person(Role.CONTESTANT, "ts@ct1.vn")
    assert (
        await contestant.put(f"/api/contests/{contest_id}", json={"contest": body})
    ).status_code == 403


async def test_awards_must_fit_the_prize_budget(submissions: Submissions) -> None:
    organizer = await submissions.person(Role.ORGANIZER, "btc@ct2.vn")
    body = contest_body("CT2")
    body["prize_budget_vnd"] = 5_000_000
    refused = await organizer.post("/api/contests", json=body)
    assert refused.status_code == 422
    assert "kinh phí" in str(refused.json())
