"""The judging pages over HTTP on each database: the juror's rounds, entries and score form in
Vietnamese and English, blind entries that name no author, bad points sent back with the
service's message and what was typed, sign-in and roles, the secretariat's forms, the results
page with its method and budget, and the organizer's approval."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx

from shared.auth import Role
from shared.contracts.submissions import ContestPublished, MediaKind, SubmittedFile
from tests.support.judging import Judging, accepted_event, contest_event, points_for

EN = {"Cookie": "lang=en"}
SECRET_ORGANISATION = "Toà soạn Bí Mật"
READING_COPY = "Đoạn mở đầu về y sĩ thôn bản.\n\nĐoạn hai <script>alert(1)</script> kết thúc."


def _file(code: str, n: int, kind: MediaKind, media_type: str, **extra: Any) -> SubmittedFile:
    return SubmittedFile(
        file_id=f"file-{code}-{n}",
        kind=kind,
        media_type=media_type,
        size_bytes=1000,
        sha256="0" * 64,
        object_key=f"media/{code}/{n}",
        **extra,
    )


async def _entries_with_files(judging: Judging, count: int = 4) -> None:
    """BC entries 1..count, each with a text (and its reading copy), a video, an audio, two
    photos and a PDF; their authors work at an organisation no juror page may name."""
    events = []
    for n in range(1, count + 1):
        code = f"BC-{n:03d}"
        text_key = f"reading/{code}.txt"
        await judging.runtime.storage.put_bytes(
            text_key, READING_COPY.encode(), "text/plain; charset=utf-8"
        )
        files = (
            _file(code, 1, MediaKind.TEXT, "text/plain", text_key=text_key),
            _file(code, 2, MediaKind.VIDEO, "video/mp4"),
            _file(code, 3, MediaKind.AUDIO, "audio/mpeg"),
            _file(code, 4, MediaKind.IMAGE, "image/jpeg"),
            _file(code, 5, MediaKind.IMAGE, "image/jpeg"),
            _file(code, 6, MediaKind.TEXT, "application/pdf"),
        )
        events.append(
            accepted_event(
                judging.contest_id, n, "BC", organisation=SECRET_ORGANISATION, files=files
            )
        )
    await judging.feed(*events)


async def _released_round(judging: Judging, jurors: tuple[int, ...] = (1, 2), **extra: Any) -> str:
    await _entries_with_files(judging)
    council = await judging.council("preliminary", "Hội đồng sơ khảo")
    for n in jurors:
        await judging.member(council, n, category_id="cat-BC")
    round_id = await judging.round(council, **extra)
    await judging.assign_and_release(round_id)
    return round_id


async def _page(client: httpx.AsyncClient, url: str, status: int = 200, **kw: Any) -> str:
    got = await client.get(url, **kw)
    assert got.status_code == status, (got.status_code, got.text[:2000])
    return got.text


def _see_other(response: httpx.Response, starts: str) -> str:
    assert response.status_code == 303, (response.status_code, response.text[:3000])
    location = response.headers["location"]
    assert location.startswith(starts), location
    return location


def _text(html: str) -> str:
    """The words of a page, tags dropped and spaces collapsed, for assertions on sentences."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_juror_pages_speak_vietnamese_and_english(judging: Judging) -> None:
    round_id = await _released_round(judging)
    juror = judging.juror(1)
    home = await _page(juror, "/")
    assert "Vòng chấm của tôi" in home and "Vòng sơ khảo" in home
    assert "0/4 bài đã nộp điểm" in home
    deadline = (await judging.ok(await judging.secretariat.get(f"/api/rounds/{round_id}")))[
        "deadline"
    ]
    local = datetime.fromisoformat(deadline).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert f"Hạn chấm: <strong>{local:%d/%m/%Y %H:%M}</strong>" in home
    english = await _page(juror, "/", headers=EN)
    assert "My rounds" in english and "0/4 entries scored" in english and 'lang="en"' in english

    listed = await _page(juror, f"/rounds/{round_id}")
    assert all(f"BC-00{n}" in listed for n in range(1, 5))
    assert listed.count("Chưa chấm") >= 4 and "Tải phiếu chấm của tôi" in listed
    assert "Not scored" in await _page(juror, f"/rounds/{round_id}", headers=EN)
    mine = await judging.my_assignments(1, round_id)
    await judging.ok(await judging.score(1, mine[0]["assignment_id"], points_for(80)))
    submitted = await _page(juror, f"/rounds/{round_id}?status=submitted")
    assert mine[0]["entry_code"] in submitted and mine[1]["entry_code"] not in submitted
    assert "80" in submitted and "1/4 bài đã nộp điểm" in submitted
    todo = await _page(juror, f"/rounds/{round_id}?status=todo")
    assert mine[0]["entry_code"] not in todo and mine[1]["entry_code"] in todo

    # The language switch remembers the choice and goes back to the page.
    switched = await juror.get(f"/lang/en?next={quote(f'/rounds/{round_id}', safe='')}")
    assert _see_other(switched, f"/rounds/{round_id}")
    assert "lang=en" in switched.headers["set-cookie"]


async def test_a_blind_entry_page_names_no_author_and_shows_the_work(judging: Judging) -> None:
    round_id = await _released_round(judging)
    mine = await judging.my_assignments(1, round_id)
    aid = mine[0]["assignment_id"]
    code = mine[0]["entry_code"]
    page = await _page(judging.juror(1), f"/assignments/{aid}")
    for secret in ("Tác Giả Số", "@bao.lantoa.vn", SECRET_ORGANISATION, "Hoa Mai", "Bắc Sơn</"):
        assert secret not in page, secret
    assert "Người tốt, việc tốt ở Bắc Sơn" in page and "Ông Hoàng Văn Páo" in page
    files = f"/api/my/assignments/{aid}/files/file-{code}"
    assert f'<video controls preload="metadata" playsinline src="{files}-2">' in page
    assert f'<audio controls preload="metadata" src="{files}-3">' in page
    assert 'alt="Ảnh 1/2"' in page and 'alt="Ảnh 2/2"' in page
    assert f'href="{files}-6"' in page and "Mở bản PDF" in page
    # The reading copy, in paragraphs, escaped.
    assert "<p>Đoạn mở đầu về y sĩ thôn bản.</p>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    # Files are named by the entry code, never by what the author called them.
    assert f"{code}-1.txt" in page and f"{code}-2.mp4" in page
    # The criteria form: one number field per criterion with its maximum.
    assert re.search(r'name="points-content" type="number"[^>]*min="0" max="40" step="0.25"', page)
    assert 'name="points-effect"' in page and 'value="submit"' in page and 'value="draft"' in page
    assert "Sau khi nộp, phiếu chấm bị khoá" in page
    nxt = mine[1]["assignment_id"]
    assert f'href="/assignments/{nxt}" rel="next"' in page


async def test_a_round_that_is_not_blind_names_the_authors(judging: Judging) -> None:
    round_id = await _released_round(judging, blind=False)
    mine = await judging.my_assignments(1, round_id)
    page = await _page(judging.juror(1), f"/assignments/{mine[0]['assignment_id']}")
    number = int(mine[0]["entry_code"][-3:])
    assert f"Tác Giả Số {number}" in page and SECRET_ORGANISATION in page
    assert "bút danh" in page and "Vòng chấm kín" not in page


async def test_bad_points_come_back_with_the_message_and_what_was_typed(
    judging: Judging,
) -> None:
    round_id = await _released_round(judging)
    juror = judging.juror(1)
    mine = await judging.my_assignments(1, round_id)
    aid = mine[0]["assignment_id"]
    url = f"/assignments/{aid}/score"
    typed = {
        "points-content": "45",
        "points-discovery": "15",
        "points-form": "-1",
        "points-effect": "",
        "comment": "Nhận xét đang viết dở",
        "action": "submit",
    }
    again = await juror.post(url, data=typed)
    assert again.status_code == 422
    words = _text(again.text)
    assert "Điểm «Nội dung» phải từ 0 đến 40." in words
    assert "Điểm «Hình thức thể hiện» phải từ 0 đến 20." in words
    assert "Chưa chấm điểm «Hiệu quả xã hội»." in words
    assert 'value="45"' in again.text and 'value="-1"' in again.text and 'value="15"' in again.text
    assert "Nhận xét đang viết dở" in again.text
    assert 'aria-invalid="true"' in again.text
    english = await juror.post(url, data=typed, headers=EN)
    assert "«Nội dung» must be between 0 and 40." in _text(english.text)
    not_a_number = await juror.post(url, data={**typed, "points-content": "abc"})
    assert "Điểm «Nội dung» không phải là một số." in _text(not_a_number.text)
    stored = await judging.ok(await juror.get(f"/api/my/assignments/{aid}"))
    assert stored["status"] == "todo" and stored["points"] == {}

    # A draft may be partial and keeps a decimal comma; then the score is submitted.
    draft = {**typed, "points-content": "30,5", "points-form": "", "action": "draft"}
    _see_other(await juror.post(url, data=draft), f"/assignments/{aid}?done=draft")
    page = await _page(juror, f"/assignments/{aid}?done=draft")
    assert "Đã lưu nháp" in page and 'value="30.5"' in page and 'value="15"' in page
    done = {**draft, "points-form": "16", "points-effect": "17.25", "action": "submit"}
    _see_other(await juror.post(url, data=done), f"/assignments/{aid}?done=submitted")
    page = await _page(juror, f"/assignments/{aid}?done=submitted")
    assert "Đã nộp lúc" in _text(page) and 'name="action"' not in page
    assert "78,75" in page  # 30.5 + 15 + 16 + 17.25, read in Vietnamese
    stored = await judging.ok(await juror.get(f"/api/my/assignments/{aid}"))
    assert stored["status"] == "submitted" and stored["total"] == 78.75
    locked = await juror.post(url, data=done)
    assert locked.status_code == 409 and "bị khoá" in locked.text


async def test_a_declared_conflict_takes_the_entry_off_the_list(judging: Judging) -> None:
    round_id = await _released_round(judging, jurors=(1, 2, 3))
    juror = judging.juror(1)
    mine = await judging.my_assignments(1, round_id)
    aid, code = mine[0]["assignment_id"], mine[0]["entry_code"]
    short = await juror.post(f"/assignments/{aid}/conflict", data={"reason": "Quen"})
    assert short.status_code == 422 and "Cần ít nhất 5 ký tự." in short.text
    assert '<details class="conflict" open>' in short.text
    declared = await juror.post(
        f"/assignments/{aid}/conflict", data={"reason": "Tác giả là em họ của tôi."}
    )
    _see_other(declared, f"/rounds/{round_id}?done=conflict")
    listed = await _page(juror, f"/rounds/{round_id}?done=conflict")
    assert "Đã ghi nhận khai báo xung đột lợi ích" in listed
    assert f">{code}<" not in listed
    gone = await juror.get(f"/assignments/{aid}")
    assert gone.status_code == 403 and "xung đột lợi ích" in gone.text


async def test_sign_in_first_and_roles_are_checked_in_words(judging: Judging) -> None:
    anonymous = await judging.client.get("/rounds/r-1?status=todo")
    back = quote("http://testserver/rounds/r-1?status=todo", safe="")
    assert _see_other(anonymous, "http://127.0.0.1:8001/sign-in?next=") == (
        f"http://127.0.0.1:8001/sign-in?next={back}"
    )
    assert _see_other(await judging.client.get("/staff"), "http://127.0.0.1:8001/sign-in")
    contestant = judging.person(Role.CONTESTANT, "tacgia@bao.vn", "Tác Giả")
    for url in ("/", "/rounds/r-1", "/staff", "/staff/rounds/r-1/results"):
        refused = await contestant.get(url)
        assert refused.status_code == 403, url
        assert "Bạn không có quyền xem trang này." in refused.text
    assert "not allowed" in (await contestant.get("/", headers=EN)).text
    juror_to_staff = await judging.juror(1).get("/staff")
    assert juror_to_staff.status_code == 403
    _see_other(await judging.secretariat.get("/"), "/staff")
    unknown = await judging.juror(1).get("/rounds/no-such-round")
    assert unknown.status_code == 404 and "Không tìm thấy vòng chấm." in unknown.text


async def test_the_secretariat_sets_up_and_runs_a_round_through_forms(judging: Judging) -> None:
    await _entries_with_files(judging)
    staff = judging.secretariat
    cid = judging.contest_id
    home = await _page(staff, "/staff")
    assert "Cuộc thi viết về gương người tốt, việc tốt tỉnh Lạng Sơn" in home

    empty = await staff.post(f"/staff/contests/{cid}/councils", data={"kind": "preliminary"})
    assert empty.status_code == 422 and "Vui lòng điền mục này." in empty.text
    made = await staff.post(
        f"/staff/contests/{cid}/councils", data={"kind": "preliminary", "name": "Hội đồng sơ khảo"}
    )
    location = _see_other(made, f"/staff/contests/{cid}/councils?done=council#council-")
    council = location.split("#council-")[1]

    def member(n: int, **extra: str) -> dict[str, str]:
        return {
            "email": f"giamkhao{n}@hoidong.lantoa.vn",
            "display_name": f"Giám Khảo {n}",
            "organisation": f"Đài PT-TH số {n}",
            "role": "juror",
            "category_id": "cat-BC",
            **extra,
        }

    bad = await staff.post(f"/staff/councils/{council}/members", data=member(1, email="khong-phai"))
    assert bad.status_code == 422 and "Địa chỉ e-mail không hợp lệ." in bad.text
    assert 'value="khong-phai"' in bad.text and 'value="Giám Khảo 1"' in bad.text
    related = member(
        1, **{"rel-0-kind": "relative", "rel-0-name": "Tác Giả Số 4", "rel-0-organisation": ""}
    )
    for body in (related, member(2), member(3), member(4)):
        posted = await staff.post(f"/staff/councils/{council}/members", data=body)
        _see_other(posted, f"/staff/contests/{cid}/councils?done=member")
    listed = await judging.ok(await staff.get(f"/api/contests/{cid}/councils"))
    members = {m["display_name"]: m["member_id"] for m in listed[0]["members"]}
    assert listed[0]["members"][0]["relationships"][0]["name"] == "Tác Giả Số 4"
    removed = await staff.post(f"/staff/councils/{council}/members/{members['Giám Khảo 4']}/remove")
    _see_other(removed, f"/staff/contests/{cid}/councils?done=removed")
    page = await _page(staff, f"/staff/contests/{cid}/councils")
    assert "Giám Khảo 3" in page and "Giám Khảo 4" not in page and "Người thân" in page
    assert '<option value="cat-BC">Báo in, báo điện tử (BC)</option>' in page

    form = await _page(staff, f"/staff/contests/{cid}/rounds/new")
    for prefilled in ("Nội dung", "Tính phát hiện", "Hình thức thể hiện", "Hiệu quả xã hội"):
        assert f'value="{prefilled}"' in form
    assert 'name="criterion-0-max_points" type="text" value="40"' in form
    assert f'<option value="{council}">Hội đồng sơ khảo — Sơ khảo</option>' in form
    assert 'name="blind" value="1" checked' in form
    fields = dict(re.findall(r'name="([\w-]+)" type="(?:text|number)" value="([^"]*)"', form))
    fields |= {"kind": "preliminary", "council_id": council, "method": "median", "blind": "1"}
    fields |= {"jurors_per_entry": "2", "advance_top_n": "2"}
    past = await staff.post(
        f"/staff/contests/{cid}/rounds", data={**fields, "deadline": "2020-01-01T17:00"}
    )
    assert past.status_code == 422 and "Hạn chấm phải ở tương lai." in past.text
    unreadable = await staff.post(
        f"/staff/contests/{cid}/rounds", data={**fields, "deadline": "mai"}
    )
    assert unreadable.status_code == 422 and "dd/mm/yyyy HH:MM" in unreadable.text
    created = await staff.post(
        f"/staff/contests/{cid}/rounds", data={**fields, "deadline": "2030-12-31T17:00"}
    )
    round_id = _see_other(created, "/staff/rounds/").split("/")[3].split("?")[0]
    shown = await judging.ok(await staff.get(f"/api/rounds/{round_id}"))
    assert shown["method"] == "median" and shown["deadline"].startswith("2030-12-31T10:00")
    assert [c["code"] for c in shown["criteria"]][:2] == ["content", "discovery"]

    _see_other(await staff.post(f"/staff/rounds/{round_id}/assign"), "/staff/rounds/")
    page = await _page(staff, f"/staff/rounds/{round_id}?done=assigned")
    assert "Đã phân công" in page and "Giao bài cho giám khảo" in page
    assignments = await judging.ok(await staff.get(f"/api/rounds/{round_id}/assignments"))
    assert not [
        a for a in assignments if a["entry_code"] == "BC-004" and a["juror_name"] == "Giám Khảo 1"
    ]
    _see_other(await staff.post(f"/staff/rounds/{round_id}/release"), "/staff/rounds/")
    assert "Đang chấm" in await _page(staff, f"/staff/rounds/{round_id}")

    # Move one of juror 1's entries to the juror who does not have it yet, with a reason.
    one = next(a for a in assignments if a["juror_name"] == "Giám Khảo 1")
    holders = {a["member_id"] for a in assignments if a["entry_id"] == one["entry_id"]}
    target = next(m for m in members.values() if m not in holders and m != members["Giám Khảo 4"])
    move_page = await _page(staff, f"/staff/rounds/{round_id}/assignments/{one['assignment_id']}")
    assert "Chuyển bài cho giám khảo khác" in move_page
    url = f"/staff/rounds/{round_id}/assignments/{one['assignment_id']}/move"
    terse = await staff.post(url, data={"to_member_id": target, "move_reason": "ốm"})
    assert terse.status_code == 422 and "Cần ít nhất 5 ký tự." in terse.text
    moved = await staff.post(url, data={"to_member_id": target, "move_reason": "Giám khảo ốm"})
    _see_other(moved, f"/staff/rounds/{round_id}?done=moved")
    after = await judging.ok(await staff.get(f"/api/rounds/{round_id}/assignments"))
    old = next(a for a in after if a["assignment_id"] == one["assignment_id"])
    assert not old["active"] and old["ended_reason"] == "moved: Giám khảo ốm"

    # A submitted score is reopened with a reason.
    mine = await judging.my_assignments(2, round_id)
    points = points_for(70)
    points["social_effect"] = points.pop("effect")  # the page's default criteria
    await judging.ok(await judging.score(2, mine[0]["assignment_id"], points))
    page = await _page(staff, f"/staff/rounds/{round_id}")
    assert "Mở lại phiếu" in page and "1/8 bài đã nộp điểm" in page
    reopen = f"/staff/rounds/{round_id}/assignments/{mine[0]['assignment_id']}/reopen"
    _see_other(
        await staff.post(reopen, data={"reopen_reason": "Giám khảo gõ nhầm điểm"}),
        f"/staff/rounds/{round_id}?done=reopened",
    )
    again = await judging.ok(
        await judging.juror(2).get(f"/api/my/assignments/{mine[0]['assignment_id']}")
    )
    assert again["status"] == "draft" and again["can_edit"]

    reminded = await staff.post(f"/staff/rounds/{round_id}/remind", data={"note": "Sắp hết hạn"})
    location = _see_other(reminded, f"/staff/rounds/{round_id}?done=reminded&n=")
    assert "Đã gửi lời nhắc cho 3 giám khảo." in await _page(staff, location)
    changed = await staff.post(
        f"/staff/rounds/{round_id}/deadline",
        data={"deadline": "2031-01-15T08:30", "deadline_reason": "Nhiều bài dài"},
    )
    _see_other(changed, f"/staff/rounds/{round_id}?done=deadline")
    assert "15/01/2031 08:30" in await _page(staff, f"/staff/rounds/{round_id}")
    refused = await staff.post(f"/staff/rounds/{round_id}/close", data={})
    assert refused.status_code == 409 and "Còn 8 phiếu chấm chưa nộp" in refused.text
    closed = await staff.post(
        f"/staff/rounds/{round_id}/close", data={"unfinished_reason": "Hội đồng quyết định dừng"}
    )
    _see_other(closed, f"/staff/rounds/{round_id}?done=closed")


def _with_budget(event: ContestPublished, budget: int) -> ContestPublished:
    payload = event.payload.model_copy(update={"version": 2, "prize_budget_vnd": budget})
    return ContestPublished(contest_id=event.contest_id, payload=payload)


async def _closed_final(judging: Judging) -> tuple[str, str]:
    """A preliminary round of four entries sending two to a final with a secret ballot, both
    scored; the final's ballot is left to the test. The prize budget is 5.000.000 đ."""
    await judging.feed(_with_budget(contest_event(judging.contest_id), 5_000_000))
    await _entries_with_files(judging)
    council = await judging.council("preliminary", "Hội đồng sơ khảo")
    for n in (1, 2):
        await judging.member(council, n, category_id="cat-BC")
    prelim = await judging.round(council)
    await judging.assign_and_release(prelim)
    totals = {f"BC-00{n}": 60 + n * 8 for n in range(1, 5)}
    for n in (1, 2):
        for a in await judging.my_assignments(n, prelim):
            await judging.ok(
                await judging.score(n, a["assignment_id"], points_for(totals[a["entry_code"]]))
            )
    await judging.ok(await judging.secretariat.post(f"/api/rounds/{prelim}/close", json={}))
    final_council = await judging.council("final", "Hội đồng chung khảo")
    for n in (6, 7, 8):
        await judging.member(final_council, n)
    final = await judging.round(
        final_council,
        "final",
        previous_round_id=prelim,
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
    return prelim, final


async def test_ballot_results_and_approval_through_the_pages(judging: Judging) -> None:
    prelim, final = await _closed_final(judging)
    staff, organizer = judging.secretariat, judging.organizer
    prelim_page = _text(await _page(staff, f"/staff/rounds/{prelim}/results"))
    assert "Phương pháp xếp hạng: Điểm trung bình" in prelim_page
    assert (
        "Trung vị" in prelim_page and "Trung bình cắt" in prelim_page and "Z-score" in prelim_page
    )
    assert prelim_page.count("✓ Vào chung khảo") == 2
    assert "Giám Khảo 1" in prelim_page  # too few scores to normalise: named
    assert "Ranking method: Mean score" in _text(
        await _page(staff, f"/staff/rounds/{prelim}/results", headers=EN)
    )

    # The ballot: closed until the secretariat opens it, then one paper per juror.
    juror = judging.juror(6)
    assert "Hiện không có lượt bỏ phiếu nào đang mở." in await _page(
        juror, f"/rounds/{final}/ballot"
    )
    opened = await staff.post(f"/staff/rounds/{final}/ballots/open", data={"entry_codes": ""})
    _see_other(opened, f"/staff/rounds/{final}?done=ballot_opened")
    assert 'href="/rounds/' + final + '/ballot"' in await _page(juror, "/")
    ballot = await _page(juror, f"/rounds/{final}/ballot")
    assert 'name="choice-BC-004" value="A"' in ballot and "Không xếp giải" in ballot
    partial = await juror.post(
        f"/rounds/{final}/ballot", data={"ballot_no": "1", "choice-BC-004": "A"}
    )
    assert partial.status_code == 422 and "Hãy chọn một mức giải" in partial.text
    assert 'value="A" checked' in partial.text
    for n in (6, 7, 8):
        cast = await judging.juror(n).post(
            f"/rounds/{final}/ballot",
            data={"ballot_no": "1", "choice-BC-004": "A", "choice-BC-003": "B"},
        )
        _see_other(cast, f"/rounds/{final}/ballot?done=voted")
    assert "Bạn đã bỏ phiếu trong lượt này." in await _page(juror, f"/rounds/{final}/ballot")
    twice = await juror.post(
        f"/rounds/{final}/ballot",
        data={"ballot_no": "1", "choice-BC-004": "A", "choice-BC-003": "B"},
    )
    assert twice.status_code == 409
    _see_other(await staff.post(f"/staff/rounds/{final}/ballots/close"), f"/staff/rounds/{final}")
    await judging.ok(await staff.post(f"/api/rounds/{final}/close", json={}))

    # Over budget before approval: shown, and the organizer must say why.
    results = await _page(staff, f"/staff/rounds/{final}/results")
    words = _text(results)
    assert "Vượt kinh phí 12.000.000 đ" in words and "Tổng tiền giải 17.000.000 đ" in words
    assert "Giải A" in words and "Giải B" in words and "Tác Giả Số" not in words
    assert 'action="/staff/rounds/' not in results  # only the organizer approves
    assert "Chỉ Ban Tổ chức mới phê duyệt được kết quả." in words
    assert (await staff.post(f"/staff/rounds/{final}/approve", data={})).status_code == 403
    page = await _page(organizer, f"/staff/rounds/{final}/results")
    assert 'name="overflow_reason"' in page
    refused = await organizer.post(f"/staff/rounds/{final}/approve", data={})
    assert refused.status_code == 409 and "cần nêu lý do" in refused.text
    approved = await organizer.post(
        f"/staff/rounds/{final}/approve",
        data={"overflow_reason": "Sở Tài chính đã đồng ý bổ sung kinh phí."},
    )
    _see_other(approved, f"/staff/rounds/{final}/results?done=approved")
    page = await _page(organizer, f"/staff/rounds/{final}/results?done=approved")
    digest = re.search(r'<code class="hash">([0-9a-f]{64})</code>', page)
    assert digest is not None and "Kết quả đã được phê duyệt lúc" in page
    api = await judging.ok(await staff.get(f"/api/rounds/{final}/results"))
    assert api["snapshot_hash"] == digest.group(1)
    assert "Tác Giả Số 4" in page  # the authors are revealed once approved
    assert 'name="overflow_reason"' not in page
