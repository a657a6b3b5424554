"""The server-rendered pages of the submissions service, through real forms: registration with
the e-mailed link, sign-in, the entry form, escaping, English pages, screening and receipts."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import httpx
import sqlalchemy as sa

from shared.auth import TOKEN_COOKIE, Role
from shared.contracts.submissions import AccountEmailRequested
from tests.integration.conftest import Submissions
from tests.support import samples
from tests.support.uploader import upload

SCRIPT = "<script>alert(1)</script>"
GIB = 1024**3
# The contest of these tests, spelled out: the pages show these very limits.
CATEGORIES = [
    {
        "code": "BC",
        "name": "Báo in, báo điện tử",
        "rules": {
            "allowed_kinds": ["text", "image"],
            "max_files": 3,
            "max_file_bytes": 3 * GIB // 2,
        },
        "award_tiers": [{"code": "A", "name": "Giải A", "quota": 1, "prize_vnd": 10_000_000}],
    },
    {
        "code": "TH",
        "name": "Truyền hình",
        "rules": {
            "allowed_kinds": ["video"],
            "max_files": 3,
            "max_file_bytes": 4 * GIB,
            "max_duration_seconds": 15 * 60,
            "max_series_parts": 3,
        },
    },
]


def browser(submissions: Submissions) -> httpx.AsyncClient:
    """A client with no token: it keeps cookies and names its origin on every request, as a
    browser does on a form post; it does not follow redirects."""
    base = submissions.client.base_url
    return httpx.AsyncClient(
        transport=submissions.client._transport,
        base_url=base,
        headers={"Origin": f"{base.scheme}://{base.host}"},
        timeout=60,
    )


async def mailed_links(submissions: Submissions, email: str) -> list[str]:
    table = submissions.runtime.outbox.table
    async with submissions.runtime.db.reading() as session:
        bodies = await session.scalars(
            sa.select(table.c.body)
            .where(table.c.subject == AccountEmailRequested.SUBJECT)
            .order_by(table.c.id)
        )
        events = [json.loads(body) for body in bodies]
    return [e["payload"]["link"] for e in events if e["payload"]["email"] == email]


def entry_form(title: str, email: str = "tacgia@pages.vn", **extra: str) -> dict[str, str]:
    return {
        "title": title,
        "language": "vi",
        "district": "Cao Lộc",
        "synopsis": "Chuyện về người giữ rừng ở Mẫu Sơn.",
        "series_parts": "1",
        "author-0-full_name": "Nguyễn Thị Tác Giả",
        "author-0-pen_name": "Hoa Mai",
        "author-0-organisation": "Báo Lạng Sơn",
        "author-0-phone": "0912 345 678",
        "author-0-email": email,
        "exemplar-0-name": "Ông Hoàng Văn Páo",
        "exemplar-0-kind": "person",
        "exemplar-0-locality": "Xã Mẫu Sơn",
        "published": "no",
        "consent": "1",
        **extra,
    }


def new_entry_url(contest_id: str, category: str = "BC") -> str:
    return f"/entries/new?contest={contest_id}&category={category}"


async def contest(submissions: Submissions, code: str, **changes: Any) -> str:
    return await submissions.contest(
        code, categories=CATEGORIES, prize_budget_vnd=10_000_000, **changes
    )


async def create_entry(client: httpx.AsyncClient, contest_id: str, title: str, **extra: str) -> str:
    created = await client.post(new_entry_url(contest_id), data=entry_form(title, **extra))
    assert created.status_code == 303, created.text
    found = re.fullmatch(r"/entries/([^/?]+)\?done=created", created.headers["location"])
    assert found, created.headers["location"]
    return found.group(1)


async def test_register_verify_sign_in_and_enter_through_the_forms(
    submissions: Submissions,
) -> None:
    contest_id = await contest(submissions, "PG1")
    async with browser(submissions) as person:
        page = await person.get("/register")
        assert page.status_code == 200
        assert '<html lang="vi">' in page.text and "Đăng ký tài khoản dự thi" in page.text
        assert 'for="f-email"' in page.text and 'id="f-email"' in page.text

        form = {
            "display_name": "Lò Văn Dự Thi",
            "email": "duthi@pages.vn",
            "password": "mat-khau-du-dai",
            "password2": "mat-khau-khac-nhau",
            "language": "vi",
        }
        differ = await person.post("/register", data=form)
        assert differ.status_code == 422
        assert "Hai mật khẩu không giống nhau." in differ.text
        assert 'value="Lò Văn Dự Thi"' in differ.text  # kept
        assert "mat-khau-du-dai" not in differ.text  # passwords are never sent back
        registered = await person.post("/register", data=form | {"password2": form["password"]})
        assert registered.status_code == 303
        assert registered.headers["location"] == "/account/check-mail"
        assert "Hãy kiểm tra hộp thư" in (await person.get("/account/check-mail")).text

        [link] = await mailed_links(submissions, "duthi@pages.vn")
        token = link.split("token=", 1)[1]
        # Opening the link (as a mail scanner would) only shows a button.
        shown = await person.get(f"/account/verify?token={token}")
        assert shown.status_code == 200
        assert f'value="{token}"' in shown.text and "<button" in shown.text
        verified = await person.post("/account/verify", data={"token": token})
        assert verified.status_code == 303 and verified.headers["location"] == "/entries"
        assert person.cookies.get(TOKEN_COOKIE)
        again = await person.post("/account/verify", data={"token": token})
        assert again.status_code == 400 and "Đường dẫn không hợp lệ" in again.text

        signed_out = await person.post("/sign-out")
        assert signed_out.status_code == 303
        assert not person.cookies.get(TOKEN_COOKIE)
        target = new_entry_url(contest_id)
        bounced = await person.get(target)
        assert bounced.status_code == 303
        assert bounced.headers["location"].startswith("/sign-in?next=%2Fentries%2Fnew%3Fcontest")

        wrong = await person.post(
            "/sign-in", data={"email": "duthi@pages.vn", "password": "sai", "next": target}
        )
        assert wrong.status_code == 401
        assert "Email hoặc mật khẩu không đúng." in wrong.text and 'role="alert"' in wrong.text
        assert 'value="duthi@pages.vn"' in wrong.text
        signed_in = await person.post(
            "/sign-in",
            data={"email": "duthi@pages.vn", "password": "mat-khau-du-dai", "next": target},
        )
        assert signed_in.status_code == 303 and signed_in.headers["location"] == target
        assert person.cookies.get(TOKEN_COOKIE)

        form_page = await person.get(target)
        assert form_page.status_code == 200
        assert 'value="duthi@pages.vn"' in form_page.text  # the main author, prefilled
        assert "Tràng Định" in form_page.text and "Tiếng Tày" in form_page.text
        entry_id = await create_entry(person, contest_id, "Người giữ rừng Mẫu Sơn")
        mine = await person.get("/entries")
        assert "Người giữ rừng Mẫu Sơn" in mine.text and "Nháp" in mine.text
        assert f"/entries/{entry_id}" in mine.text
        page = await person.get(f"/entries/{entry_id}")
        assert "Còn thiếu để nộp bài" in page.text
        assert 'data-upload-entry="' + entry_id + '"' in page.text
        assert 'data-upload-max-bytes="1610612736"' in page.text
        assert '<ul class="uploads" aria-live="polite"></ul>' in page.text
        assert re.search(r"<button[^>]*disabled[^>]*>Nộp bài</button>", page.text)


async def test_titles_are_escaped_and_a_bad_form_keeps_what_was_typed(
    submissions: Submissions,
) -> None:
    contest_id = await contest(submissions, "PG2")
    contestant = await submissions.person(Role.CONTESTANT, "tacgia@pages.vn")
    bad = await contestant.post(
        new_entry_url(contest_id),
        data=entry_form(
            SCRIPT,
            email="khong-phai-email",
            **{
                "author-1-full_name": "Đồng Tác Giả",
                "published": "yes",
                "published_on": "31/02",
                "exemplar-0-press_code": "XYZ-1",
            },
        ),
    )
    assert bad.status_code == 422
    assert 'role="alert"' in bad.text
    assert "Địa chỉ e-mail không hợp lệ." in bad.text
    assert 'aria-describedby="e-author-0-email"' in bad.text
    assert "Ngày không hợp lệ; hãy ghi theo dạng dd/mm/yyyy." in bad.text
    assert 'id="e-author-1-email"' in bad.text  # the co-author row half filled
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in bad.text  # kept, escaped
    assert 'value="Đồng Tác Giả"' in bad.text and 'value="khong-phai-email"' in bad.text
    assert "Mã gương điển hình có dạng GD-0001 (xem Phòng báo chí)." in bad.text
    assert SCRIPT not in bad.text

    entry_id = await create_entry(
        contestant,
        contest_id,
        SCRIPT,
        published="yes",
        outlet="Báo Lạng Sơn",
        published_on="2026-03-05",
    )
    for path in ("/entries", f"/entries/{entry_id}"):
        page = await contestant.get(path)
        assert page.status_code == 200
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert SCRIPT not in page.text
    page = await contestant.get(f"/entries/{entry_id}")
    assert 'value="05/03/2026"' in page.text  # yyyy-mm-dd accepted, shown dd/mm/yyyy
    saved = await contestant.post(
        f"/entries/{entry_id}",
        data=entry_form(
            "Tên mới",
            published="yes",
            outlet="Báo Lạng Sơn",
            published_on="6/3/2026",
            **{"exemplar-0-press_code": "gd 12"},  # the press room's code, as typed
        ),
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=saved")
    page = await contestant.get(f"/entries/{entry_id}?done=saved")
    assert "Đã lưu thay đổi." in page.text and 'value="06/03/2026"' in page.text
    assert 'value="GD-0012"' in page.text

    stranger = await submissions.person(Role.CONTESTANT, "nguoikhac@pages.vn")
    hidden = await stranger.get(f"/entries/{entry_id}")
    assert hidden.status_code == 404 and "Không tìm thấy bài dự thi." in hidden.text
    assert "Tên mới" not in hidden.text


async def test_english_pages_with_the_language_cookie(submissions: Submissions) -> None:
    await contest(submissions, "PG3", rules_html="<p>Điều 1.</p><script>alert(1)</script>")
    async with browser(submissions) as person:
        vi = await person.get("/contests/PG3")
        assert '<html lang="vi">' in vi.text
        assert "Gửi bài dự thi" in vi.text and "10.000.000 đ" in vi.text
        assert "1,5 GiB" in vi.text and "15 phút" in vi.text  # Vietnamese decimal comma
        assert "<p>Điều 1.</p>" in vi.text and SCRIPT not in vi.text
        assert "English" in vi.text and "Tiếng Việt" in vi.text

        switched = await person.get("/lang/en?next=/contests/PG3")
        assert switched.status_code == 303 and switched.headers["location"] == "/contests/PG3"
        en = await person.get("/contests/PG3")
        assert '<html lang="en">' in en.text
        assert "Submit an entry" in en.text and "10,000,000 VND" in en.text
        assert "1.5 GiB" in en.text and "15 min" in en.text and "Contest rules" in en.text
        assert "Gửi bài dự thi" not in en.text
        home = await person.get("/")
        assert "Contests open for entries" in home.text and "text, image" in home.text

        elsewhere = await person.get("/lang/vi?next=https://evil.example/")
        assert elsewhere.headers["location"] == "/"
        assert (await person.get("/lang/vi?next=//evil.example")).headers["location"] == "/"
        assert '<html lang="vi">' in (await person.get("/")).text


async def _submitted_entry(
    submissions: Submissions, code: str
) -> tuple[httpx.AsyncClient, str, bytes]:
    contest_id = await contest(submissions, code)
    contestant = await submissions.person(Role.CONTESTANT, f"tacgia@{code.lower()}.vn")
    entry_id = await create_entry(
        contestant, contest_id, "Bản tin biên giới", email=f"tacgia@{code.lower()}.vn"
    )
    article = samples.pdf("Ban tin bien gioi")
    uploaded = await upload(contestant, entry_id, "ban-tin.pdf", article)
    assert uploaded.status == "verified", uploaded.file
    submitted = await contestant.post(f"/entries/{entry_id}/submit")
    assert submitted.status_code == 303, submitted.text
    return contestant, entry_id, article


async def test_submit_receipt_and_screening_by_the_secretariat(submissions: Submissions) -> None:
    contestant, entry_id, article = await _submitted_entry(submissions, "PG4")
    page = await contestant.get(f"/entries/{entry_id}?done=submitted")
    assert "Đã nộp bài. Mã bài dự thi của bạn: PG4-BC-0001." in page.text
    assert "Rút bài" in page.text and f"/entries/{entry_id}/receipt" in page.text
    receipt = await contestant.get(f"/entries/{entry_id}/receipt")
    assert receipt.status_code == 200
    assert "Biên nhận bài dự thi" in receipt.text and "PG4-BC-0001" in receipt.text
    assert hashlib.sha256(article).hexdigest() in receipt.text
    assert "ban-tin.pdf" in receipt.text and "Nguyễn Thị Tác Giả" in receipt.text

    refused = await contestant.get("/screening")
    assert refused.status_code == 403
    assert "Bạn không có quyền xem trang này." in refused.text
    async with browser(submissions) as anonymous:
        bounced = await anonymous.get("/screening")
        assert bounced.status_code == 303
        assert bounced.headers["location"] == "/sign-in?next=%2Fscreening"

    secretary = await submissions.person(Role.SECRETARIAT, "thuky@pages.vn", "Thư Ký Một")
    listed = await secretary.get("/screening")
    assert listed.status_code == 200
    assert "PG4-BC-0001" in listed.text and "Bản tin biên giới" in listed.text
    assert "PG4-BC-0001" not in (await secretary.get("/screening?status=accepted")).text
    assert "PG4-BC-0001" in (await secretary.get("/screening?q=bi%C3%AAn+gi%E1%BB%9Bi")).text

    shown = await secretary.get(f"/screening/{entry_id}")
    assert shown.status_code == 200
    assert "<iframe" in shown.text and "tacgia@pg4.vn" in shown.text
    assert hashlib.sha256(article).hexdigest() in shown.text
    no_reason = await secretary.post(
        f"/screening/{entry_id}/decision", data={"decision": "revision_requested", "reason": ""}
    )
    assert no_reason.status_code == 422
    assert "Yêu cầu sửa hoặc loại bài cần ghi rõ lý do." in no_reason.text
    decided = await secretary.post(
        f"/screening/{entry_id}/decision",
        data={"decision": "revision_requested", "reason": "Thiếu ảnh minh hoạ gốc."},
    )
    assert decided.status_code == 303
    history = await secretary.get(f"/screening/{entry_id}")
    assert "Thư Ký Một" in history.text and "Thiếu ảnh minh hoạ gốc." in history.text

    back = await contestant.get(f"/entries/{entry_id}")
    assert "Cần sửa lại" in back.text and "Thiếu ảnh minh hoạ gốc." in back.text
    assert re.search(r"<button[^>]*>Nộp lại</button>", back.text)


async def test_organizer_sees_history_and_invites_staff(submissions: Submissions) -> None:
    await contest(submissions, "PG5")
    organizer = await submissions.person(Role.ORGANIZER, "btc@pages.vn")
    page = await organizer.get("/organizer")
    assert page.status_code == 200
    assert "PG5" in page.text and "Lịch sử thay đổi" in page.text
    missing: dict[str, Any] = {"email": "thuky2@pages.vn", "display_name": "Thư Ký Hai"}
    refused = await organizer.post("/organizer/invitations", data=missing)
    assert refused.status_code == 422 and 'id="e-roles"' in refused.text
    assert 'value="Thư Ký Hai"' in refused.text
    invited = await organizer.post(
        "/organizer/invitations", data=missing | {"roles": ["secretariat", "juror"]}
    )
    assert invited.status_code == 303, invited.text
    [link] = await mailed_links(submissions, "thuky2@pages.vn")
    assert "/account/invitation?token=" in link
    contestant = await submissions.person(Role.CONTESTANT, "khong-phai-btc@pages.vn")
    assert (await contestant.get("/organizer")).status_code == 403

    token = link.split("token=", 1)[1]
    async with browser(submissions) as invitee:
        form = await invitee.get(f"/account/invitation?token={token}")
        assert form.status_code == 200 and f'value="{token}"' in form.text
        short = {"token": token, "password": "ngan", "password2": "ngan"}
        refused = await invitee.post("/account/invitation", data=short)
        assert refused.status_code == 422 and "Cần ít nhất 8 ký tự." in refused.text
        good = {"token": token, "password": "mat-khau-thu-ky", "password2": "mat-khau-thu-ky"}
        accepted = await invitee.post("/account/invitation", data=good)
        assert accepted.status_code == 303 and accepted.headers["location"] == "/screening"
        assert (await invitee.get("/screening")).status_code == 200


async def test_a_forgotten_password_is_reset_through_the_mailed_link(
    submissions: Submissions,
) -> None:
    await submissions.person(Role.CONTESTANT, "quenmatkhau@pages.vn")
    async with browser(submissions) as person:
        asked = await person.post("/account/forgot", data={"email": "quenmatkhau@pages.vn"})
        assert asked.status_code == 303 and asked.headers["location"] == "/account/check-mail"
        [link] = await mailed_links(submissions, "quenmatkhau@pages.vn")
        assert "/account/reset?token=" in link
        token = link.split("token=", 1)[1]
        assert "Đặt mật khẩu mới" in (await person.get(f"/account/reset?token={token}")).text
        new = {"token": token, "password": "mat-khau-moi-123", "password2": "mat-khau-moi-123"}
        reset = await person.post("/account/reset", data=new)
        assert reset.status_code == 303 and reset.headers["location"] == "/entries"
        assert person.cookies.get(TOKEN_COOKIE)
        used = await person.post("/account/reset", data=new)
        assert used.status_code == 400 and "Đường dẫn không hợp lệ" in used.text
        await person.post("/sign-out")
        signed_in = await person.post(
            "/sign-in", data={"email": "quenmatkhau@pages.vn", "password": "mat-khau-moi-123"}
        )
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/entries"
