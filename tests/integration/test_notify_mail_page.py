"""The local test mailbox: the built-in catcher (a real SMTP server) keeps a real multipart
message sent with smtplib in a Maildir, and notify's /mail pages list it and show its headers,
text, links and an inert HTML part; a script in the HTML never reaches the page as markup."""

from __future__ import annotations

import asyncio
import html
import re
import smtplib
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from deploy.local.processes import free_port
from services.notify.catcher.reader import NEWEST, links_in, list_messages, read_message
from services.notify.catcher.server import MailCatcher
from tests.conftest import DatabaseTarget
from tests.support.infra import Infra
from tests.support.notify import Notify, notify_running

LINK = "https://thi.lantoa.vn/tai-khoan/xac-nhan?token=Zx9_q&lang=vi"
ATTACK = '<script>alert("mailbox")</script>'
SUBJECT = "[Lan Toả] Xác nhận địa chỉ e-mail của bạn"


def verification_mail(to: str, subject: str = SUBJECT) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Lan Toả <no-reply@lantoa.local>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Thu, 26 Nov 2026 09:30:00 +0700"
    message.set_content(
        f"Kính gửi Lộc Thị Mai,\n\nHãy xác nhận e-mail bằng liên kết sau:\n\n{LINK}.\n\n"
        "Thư này được gửi tự động <b>không</b> trả lời."
    )
    message.add_alternative(
        f'<p>Kính gửi Lộc Thị Mai,</p><p><a href="{LINK}">Xác nhận e-mail</a></p>{ATTACK}',
        subtype="html",
    )
    return message


def send(port: int, message: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(message)


@pytest.fixture
def catcher(tmp_path: Path) -> Iterator[MailCatcher]:
    catcher = MailCatcher(tmp_path / "mail", free_port()).start()
    yield catcher
    catcher.stop()


@pytest.fixture
async def notify(
    infra: Infra, database: DatabaseTarget, catcher: MailCatcher
) -> AsyncIterator[Notify]:
    async with notify_running(infra, database, mail_catcher_dir=catcher.maildir) as running:
        yield running


async def test_the_mailbox_shows_a_message_caught(notify: Notify, catcher: MailCatcher) -> None:
    empty = await notify.client.get("/mail")
    assert empty.status_code == 200 and "Chưa có thư nào" in empty.text
    assert "hộp thư thử trên máy của bạn" in empty.text  # the banner, no sign-in needed

    await asyncio.to_thread(send, catcher.port, verification_mail("mai@demo.lantoa.vn"))
    await asyncio.to_thread(send, catcher.port, verification_mail("an@demo.lantoa.vn", "Thư hai"))
    listing = await notify.client.get("/mail")
    assert listing.status_code == 200
    assert SUBJECT in listing.text and "mai@demo.lantoa.vn" in listing.text
    assert "2 thư, mới nhất trước" in listing.text
    keys = re.findall(r'href="/mail/([^"]+)"', listing.text)
    assert len(keys) == 2
    assert listing.text.index("Thư hai") < listing.text.index(SUBJECT)  # newest first

    page = await notify.client.get(f"/mail/{keys[1]}")
    assert page.status_code == 200
    text = page.text
    assert "Kính gửi Lộc Thị Mai," in text
    assert f'<a href="{html.escape(LINK)}" rel="noreferrer">' in text  # without the full stop
    assert "no-reply@lantoa.local" in text and "X-Envelope-To" in text
    assert "&lt;b&gt;không&lt;/b&gt;" in text  # the text part is shown as text
    frame = re.search(r'<iframe class="message-frame" sandbox srcdoc="([^"]*)"', text)
    assert frame is not None, text
    assert html.unescape(frame.group(1)).strip().endswith(ATTACK)  # the HTML part, whole, inert
    outside = text.replace(frame.group(0), "")
    assert "<script" not in outside.lower()
    assert "<script" not in text.lower()  # not even inside the attribute, unescaped

    english = await notify.client.get(f"/mail/{keys[1]}", headers={"Cookie": "lang=en"})
    assert "Links in the message" in english.text and "local test mailbox" in english.text

    for bad in ("no-such-key", "cur", "new", keys[1] + ":2,S"):
        missing = await notify.client.get(f"/mail/{bad}")
        assert missing.status_code == 404, bad
        assert "Không tìm thấy thư này" in missing.text
    assert (await notify.client.get("/mail/..%2F..%2Fetc%2Fpasswd")).status_code == 404


async def test_no_mailbox_without_the_setting(infra: Infra, database: DatabaseTarget) -> None:
    async with notify_running(infra, database) as notify:
        page = await notify.client.get("/mail")
        assert page.status_code == 404 and "make up" in page.text
        assert 'href="/mail"' not in page.text  # and no link to it either
        assert (await notify.client.get("/mail/anything")).status_code == 404


def test_the_reader_is_bounded_and_careful(tmp_path: Path) -> None:
    catcher = MailCatcher(tmp_path / "box", free_port()).start()
    try:
        for n in range(3):
            send(catcher.port, verification_mail(f"n{n}@demo.lantoa.vn", f"Thư số {n}"))
    finally:
        catcher.stop()
    assert [m.subject for m in list_messages(tmp_path / "box", limit=2)] == [
        "Thư số 2",
        "Thư số 1",
    ]
    assert NEWEST == 500
    assert list_messages(tmp_path / "nowhere") == []
    assert read_message(tmp_path / "box", "../box") is None
    assert links_in("Mở https://a.vn/x?y=1, rồi (http://b.vn/z). Không phải ftp://c.vn") == [
        "https://a.vn/x?y=1",
        "http://b.vn/z",
    ]
