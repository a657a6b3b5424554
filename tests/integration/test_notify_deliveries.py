"""The delivery log over HTTP on each database: search by every filter (a phone in any
writing), paging, one delivery with its attempts, resend of a failed one (queued, logged, then
really sent) and refusal for a sent one, who may see it; and the operator pages in Vietnamese
and English, a failure's reason, and the resend button through the form."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.notify.models import Delivery, DeliveryAttempt
from shared.auth import TOKEN_COOKIE, Role
from shared.contracts.base import new_event_id
from tests.conftest import DatabaseTarget
from tests.support.infra import Infra
from tests.support.keys import sign_token
from tests.support.notify import Notify, notify_running

EN = {"Cookie": "lang=en"}
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
LATER = datetime(2099, 1, 1, tzinfo=UTC)  # queued rows the dispatcher must leave alone
REFUSED = "SMTP 550: 5.1.1 <ha.nguyen@bao.vn>: hộp thư không tồn tại"


@pytest.fixture
async def notify(infra: Infra, database: DatabaseTarget) -> AsyncIterator[Notify]:
    async with notify_running(infra, database) as running_notify:
        yield running_notify


def delivery(n: int, **changes: Any) -> Delivery:
    """A delivery created ``n`` minutes after T0 (larger n, newer)."""
    delivery_id = new_event_id()
    values: dict[str, Any] = {
        "delivery_id": delivery_id,
        "source_event_id": f"evt-{n}",
        "event_type": "EntrySubmitted",
        "contest_id": "contest-bc",
        "channel": "email",
        "recipient": f"tacgia{n}@bao.vn",
        "recipient_name": f"Tác giả {n}",
        "template": "entry_receipt",
        "language": "vi",
        "subject": f"[Lan Toả] Đã nhận bài dự thi BC-{n:03d}",
        "body_text": f"Kính gửi Tác giả {n},\nBan Tổ chức đã nhận bài dự thi của bạn.",
        "body_html": f"<p>Kính gửi Tác giả {n},</p><script>alert({n})</script>",
        "payload": "",
        "message_id": f"<{delivery_id}@lantoa.local>",
        "status": "sent",
        "attempts": 1,
        "next_attempt_at": T0,
        "created_at": T0 + timedelta(minutes=n),
        "sent_at": T0 + timedelta(minutes=n, seconds=5),
    }
    values.update(changes)
    return Delivery(**values)


async def insert(notify: Notify, *rows: Delivery | DeliveryAttempt) -> None:
    async with notify.runtime.db.transaction() as session:
        session.add_all(rows)


async def the_log(notify: Notify) -> dict[str, Delivery]:
    """A small log: sent e-mails, a failed one with its attempts, a bounced one, a Zalo
    message to a phone, a webhook call, and one waiting for later."""
    failed = delivery(
        20,
        recipient="ha.nguyen@bao.vn",
        status="failed",
        attempts=3,
        last_error=REFUSED,
        sent_at=None,
        contest_id="contest-ab",
    )
    rows = {
        **{f"sent{n}": delivery(n) for n in range(1, 8)},
        "failed": failed,
        "bounced": delivery(21, status="bounced", last_error="550 mailbox full", template="x"),
        "zalo": delivery(
            22,
            channel="zalo",
            recipient="84912345678",
            template="entry_receipt",
            payload='{"template_id": "301", "phone": "84912345678"}',
            status="delivered",
        ),
        "webhook": delivery(23, channel="webhook", recipient="wh-01", payload='{"ok": 1}'),
        "queued": delivery(24, status="queued", next_attempt_at=LATER, sent_at=None),
    }
    await insert(notify, *rows.values())
    await insert(
        notify,
        DeliveryAttempt(
            delivery_id=failed.delivery_id,
            at=T0 + timedelta(minutes=21),
            outcome="temporary",
            detail="SMTP 421: thử lại sau",
        ),
        DeliveryAttempt(
            delivery_id=failed.delivery_id,
            at=T0 + timedelta(minutes=20),
            outcome="temporary",
            detail="TimeoutError()",
        ),
        DeliveryAttempt(
            delivery_id=failed.delivery_id,
            at=T0 + timedelta(minutes=25),
            outcome="permanent",
            detail=REFUSED,
        ),
    )
    return rows


async def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text[:2000])
    return response.json()


async def ids(client: httpx.AsyncClient, **params: Any) -> list[str]:
    page = await ok(await client.get("/api/deliveries", params=params))
    return [item["delivery_id"] for item in page["items"]]


async def test_search_by_every_filter(notify: Notify) -> None:
    log = await the_log(notify)
    operator = notify.as_role(Role.OPERATOR)
    every = await ok(await operator.get("/api/deliveries"))
    assert every["total"] == 12 and every["page"] == 1
    assert every["items"][0]["delivery_id"] == log["queued"].delivery_id  # newest first
    assert all("body_html" not in i and "payload" not in i for i in every["items"])

    failed = log["failed"].delivery_id
    assert await ids(operator, recipient="HA.Nguyen@Bao.VN") == [failed]
    zalo = [log["zalo"].delivery_id]
    for writing in ("0912 345 678", "+84 912-345-678", "84912345678", "(+84) 0912.345.678"):
        assert await ids(operator, recipient=writing) == zalo, writing
    assert await ids(operator, recipient="wh-01") == [log["webhook"].delivery_id]
    assert await ids(operator, event_id="evt-3") == [log["sent3"].delivery_id]
    assert await ids(operator, status="failed") == [failed]
    assert await ids(operator, status="bounced") == [log["bounced"].delivery_id]
    assert await ids(operator, status="delivered") == zalo
    assert await ids(operator, channel="zalo") == zalo
    assert await ids(operator, template="x") == [log["bounced"].delivery_id]
    assert await ids(operator, contest_id="contest-ab") == [failed]
    assert await ids(operator, channel="email", status="sent", event_id="evt-9") == []

    wrong_phone = await operator.get("/api/deliveries", params={"recipient": "0912 34"})
    assert wrong_phone.status_code == 422
    assert "10 chữ số" in wrong_phone.json()["detail"]
    assert "a Vietnamese mobile number has 10 digits" in wrong_phone.json()["detail"]
    assert (await operator.get("/api/deliveries?status=lost")).status_code == 422
    assert (await operator.get("/api/deliveries?channel=fax")).status_code == 422


async def test_paging_newest_first(notify: Notify) -> None:
    log = await the_log(notify)
    organizer = notify.as_role(Role.ORGANIZER)
    sent_newest_first = [log[f"sent{n}"].delivery_id for n in range(7, 0, -1)]
    pages = []
    for page in (1, 2, 3):
        found = await ok(
            await organizer.get(
                "/api/deliveries",
                params={"status": "sent", "channel": "email", "page": page, "page_size": 3},
            )
        )
        assert found["total"] == 7 and found["page_size"] == 3
        pages.append([i["delivery_id"] for i in found["items"]])
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [i for page in pages for i in page] == sent_newest_first
    assert (await organizer.get("/api/deliveries?page_size=201")).status_code == 422
    assert (await organizer.get("/api/deliveries?page=0")).status_code == 422


async def test_detail_with_attempts_oldest_first(notify: Notify) -> None:
    log = await the_log(notify)
    operator, organizer = notify.as_role(Role.OPERATOR), notify.as_role(Role.ORGANIZER)
    failed = await ok(await operator.get(f"/api/deliveries/{log['failed'].delivery_id}"))
    assert failed["status"] == "failed" and failed["last_error"] == REFUSED
    assert [a["detail"] for a in failed["attempt_log"]] == [
        "TimeoutError()",
        "SMTP 421: thử lại sau",
        REFUSED,
    ]
    assert failed["body_text"].startswith("Kính gửi Tác giả 20")
    # The channel's payload is for operators only.
    zalo = f"/api/deliveries/{log['zalo'].delivery_id}"
    assert "84912345678" in (await ok(await operator.get(zalo)))["payload"]
    assert (await ok(await organizer.get(zalo)))["payload"] is None
    missing = await operator.get("/api/deliveries/no-such-delivery")
    assert missing.status_code == 404 and "No such delivery" in missing.json()["detail"]


async def test_resend_a_failed_delivery_then_it_is_sent(notify: Notify) -> None:
    log = await the_log(notify)
    failed = log["failed"].delivery_id
    operator = notify.as_role(Role.OPERATOR, email="vanhanh@so.lantoa.vn")
    resent = await ok(await operator.post(f"/api/deliveries/{failed}/resend"))
    assert resent["status"] == "queued" and resent["last_error"] is None
    assert resent["attempts"] == 3  # kept
    last = resent["attempt_log"][-1]
    assert last["outcome"] == "resend" and last["actor"] == "acc-vanhanh@so.lantoa.vn"
    assert last["detail"] == REFUSED  # why it had failed, kept in the log
    assert len(resent["attempt_log"]) == 4

    # The dispatcher is woken and really sends it this time.
    rows = await notify.settled(
        lambda rows: any(r.delivery_id == failed and r.status == "sent" for r in rows)
    )
    row = next(r for r in rows if r.delivery_id == failed)
    assert row.attempts == 4 and row.claimed_until is None
    received = notify.smtp.wait_for(lambda ms: any(m["To"] == "ha.nguyen@bao.vn" for m in ms))
    assert any(m["X-Lantoa-Delivery"] == failed for m in received)

    bounced = log["bounced"].delivery_id
    await ok(await notify.as_role(Role.ORGANIZER).post(f"/api/deliveries/{bounced}/resend"))


async def test_resend_refused_unless_failed_or_bounced(notify: Notify) -> None:
    log = await the_log(notify)
    operator = notify.as_role(Role.OPERATOR)
    for name in ("sent1", "queued", "zalo"):
        refused = await operator.post(f"/api/deliveries/{log[name].delivery_id}/resend")
        assert refused.status_code == 409, name
        assert "Only a failed or bounced delivery can be resent" in refused.json()["detail"]
    detail = await ok(await operator.get(f"/api/deliveries/{log['sent1'].delivery_id}"))
    assert detail["status"] == "sent" and detail["attempt_log"] == []
    missing = await operator.post("/api/deliveries/nothing/resend")
    assert missing.status_code == 404


async def test_who_may_see_the_log(notify: Notify) -> None:
    log = await the_log(notify)
    one = log["failed"].delivery_id
    for role in (Role.CONTESTANT, Role.JUROR, Role.SECRETARIAT):
        client = notify.as_role(role)
        assert (await client.get("/api/deliveries")).status_code == 403
        assert (await client.get(f"/api/deliveries/{one}")).status_code == 403
        assert (await client.post(f"/api/deliveries/{one}/resend")).status_code == 403
    assert (await notify.client.get("/api/deliveries")).status_code == 401
    assert (await notify.client.post(f"/api/deliveries/{one}/resend")).status_code == 401
    rows = await notify.deliveries(delivery_id=one)
    assert rows[0].status == "failed"  # nobody unauthorised changed it

    # Pages: sign in first, and only staff.
    page = await notify.client.get("/deliveries")
    assert page.status_code == 303 and "/sign-in?next=" in page.headers["location"]
    assert "http%3A%2F%2Ftestserver%2Fdeliveries" in page.headers["location"]
    forbidden = await notify.as_role(Role.JUROR).get(f"/deliveries/{one}")
    assert forbidden.status_code == 403 and "Ban Tổ chức" in forbidden.text
    assert (await notify.as_role(Role.CONTESTANT).get("/templates")).status_code == 403


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_the_pages_in_vietnamese_and_english(notify: Notify) -> None:
    log = await the_log(notify)
    organizer = notify.as_role(Role.ORGANIZER)
    listing = await organizer.get("/deliveries")
    assert listing.status_code == 200 and 'lang="vi"' in listing.text
    words = text_of(listing.text)
    assert "Nhật ký gửi" in words and "Tìm thấy 12 thông báo" in words
    assert "Thất bại" in words and REFUSED.replace("<", "&lt;").replace(">", "&gt;") in listing.text
    assert 'class="badge badge-failed"' in listing.text
    english = await organizer.get("/deliveries", headers=EN)
    assert 'lang="en"' in english.text
    assert "Delivery log" in english.text and "12 deliveries found" in text_of(english.text)
    assert "Failed" in english.text and "Bounced" in english.text

    found = await organizer.get("/deliveries", params={"recipient": "0912.345.678"})
    assert "84912345678" in found.text and "tacgia1@bao.vn" not in found.text
    bad = await organizer.get("/deliveries", params={"recipient": "09"}, headers=EN)
    assert bad.status_code == 422 and "a Vietnamese mobile number has 10 digits" in bad.text

    # Paging keeps the filters.
    many = await organizer.get("/deliveries", params={"status": "sent", "channel": "email"})
    assert "Tìm thấy 7 thông báo" in text_of(many.text) and 'rel="next"' not in many.text

    failed = log["failed"].delivery_id
    detail = await organizer.get(f"/deliveries/{failed}")
    assert detail.status_code == 200
    words = text_of(detail.text)
    assert "Lý do lỗi" in words and "hộp thư không tồn tại" in words
    assert words.index("TimeoutError()") < words.index("SMTP 421: thử lại sau")
    assert f'action="/deliveries/{failed}/resend"' in detail.text and "Gửi lại" in detail.text
    assert "<script>alert(20)</script>" not in detail.text  # only inside the srcdoc, escaped
    assert '<iframe class="message-frame" sandbox srcdoc=' in detail.text
    detail_en = await organizer.get(f"/deliveries/{failed}", headers=EN)
    assert "Reason of the failure" in detail_en.text and "Resend" in detail_en.text
    assert "Attempt log" in detail_en.text and "Permanent error" in detail_en.text

    sent = await organizer.get(f"/deliveries/{log['sent1'].delivery_id}")
    assert "/resend" not in sent.text and "Đã gửi" in sent.text
    assert (await organizer.get("/deliveries/none")).status_code == 404


async def test_the_resend_button_through_the_form(notify: Notify) -> None:
    log = await the_log(notify)
    failed = log["failed"].delivery_id
    token = sign_token(
        notify.infra.private_key, roles=[Role.OPERATOR], subject="acc-op-7", email="op@lantoa.vn"
    )
    base = str(notify.client.base_url)
    browser = httpx.AsyncClient(
        transport=notify.client._transport, base_url=base, cookies={TOKEN_COOKIE: token}
    )
    # A form posted from another site is refused before anything changes.
    elsewhere = await browser.post(
        f"/deliveries/{failed}/resend", headers={"Origin": "https://evil.example"}
    )
    assert elsewhere.status_code == 403
    assert (await notify.deliveries(delivery_id=failed))[0].status == "failed"

    posted = await browser.post(f"/deliveries/{failed}/resend", headers={"Origin": base})
    assert posted.status_code == 303
    assert posted.headers["location"] == f"/deliveries/{failed}?done=resent"
    shown = await browser.get(posted.headers["location"])
    assert "Đã đưa thông báo vào hàng chờ gửi lại." in shown.text
    assert "Gửi lại theo yêu cầu" in shown.text and "acc-op-7" in shown.text

    sent = log["sent2"].delivery_id
    again = await browser.post(f"/deliveries/{sent}/resend", headers={"Origin": base})
    assert again.status_code == 409
    assert "Chỉ gửi lại được thông báo đã thất bại hoặc bị trả lại" in again.text
    assert "Only a failed" not in again.text  # the Vietnamese half on a Vietnamese page


async def test_template_previews(notify: Notify) -> None:
    organizer = notify.as_role(Role.ORGANIZER)
    listing = await organizer.get("/templates")
    assert listing.status_code == 200
    for name in ("account_verify_email", "entry_receipt", "juror_reminder"):
        assert f'href="/templates/{name}?lang=vi"' in listing.text
        assert f'href="/templates/{name}?lang=en"' in listing.text

    vi = await organizer.get("/templates/entry_receipt?lang=vi")
    assert vi.status_code == 200
    assert "[Lan Toả] Đã nhận bài dự thi BC-2025-0042" in vi.text
    assert "21:05 ngày 28/08/2025" in vi.text and 'sandbox srcdoc="' in vi.text
    en = await notify.as_role(Role.OPERATOR).get("/templates/entry_receipt?lang=en", headers=EN)
    assert "[Lan Toả] Entry BC-2025-0042 received" in en.text
    assert "28/08/2025 21:05 (Vietnam time)" in en.text and "Plain text" in en.text

    for bad in ("/templates/no_such_template", "/templates/entry_receipt?lang=fr"):
        missing = await organizer.get(bad)
        assert missing.status_code == 404, bad
    assert (await notify.as_role(Role.JUROR).get("/templates/entry_receipt")).status_code == 403
