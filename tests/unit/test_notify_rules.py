"""Notify's domain: templates (autoescaped, strict), retry timing, which failures are final."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from jinja2 import UndefinedError

from services.notify.domain.formatting import local_datetime
from services.notify.domain.messages import (
    account_message,
    role_names,
    screening_message,
    withdrawal_message,
)
from services.notify.domain.retry import retry_delay, smtp_failure_is_temporary
from services.notify.domain.templates import render
from shared.contracts.submissions import (
    AccountEmailPurpose,
    AccountEmailRequestedPayload,
    AnonymisedEntry,
    EntryScreenedPayload,
    EntryWithdrawnPayload,
    ScreeningDecision,
    Submitter,
)

CONTEXT = {
    "name": "Lộc Thị Mai",
    "code": "LS26-BC-0007",
    "title": "Người gác rừng <script>alert(1)</script>",
    "category": "Báo in, báo điện tử",
    "submitted_at": "09:30 ngày 26/11/2026",
    "files": 2,
    "portal_url": "http://127.0.0.1:8001",
}


def test_receipt_in_vietnamese_and_english() -> None:
    vi = render("entry_receipt", "vi", CONTEXT)
    en = render("entry_receipt", "en", CONTEXT)
    assert vi.subject == "[Lan Toả] Đã nhận bài dự thi LS26-BC-0007"
    assert en.subject == "[Lan Toả] Entry LS26-BC-0007 received"
    assert "Kính gửi Lộc Thị Mai" in vi.text and "Dear Lộc Thị Mai" in en.text
    assert render("entry_receipt", "fr", CONTEXT).language == "vi"  # unknown language: Vietnamese


def test_html_is_escaped_and_text_is_not_html() -> None:
    message = render("entry_receipt", "vi", CONTEXT)
    assert "<script>" not in message.html
    assert "&lt;script&gt;" in message.html
    assert "<script>" in message.text  # plain text shows what the author typed


def test_a_missing_variable_is_an_error_not_a_blank() -> None:
    with pytest.raises(UndefinedError):
        render("entry_receipt", "vi", {k: v for k, v in CONTEXT.items() if k != "code"})


def test_a_subject_cannot_carry_a_header() -> None:
    with pytest.raises(ValueError, match="one line"):
        render("entry_receipt", "vi", {**CONTEXT, "code": "X\r\nBcc: everyone@example.org"})


def test_retry_delays_grow_with_jitter_and_are_capped() -> None:
    rng = random.Random(7)
    delays = [retry_delay(n, rng) for n in range(1, 20)]
    assert timedelta(seconds=15) <= delays[0] <= timedelta(seconds=30)
    assert delays[3] > delays[0]
    assert max(delays) <= timedelta(hours=6)
    assert len({d.total_seconds() for d in delays}) > 10  # jittered


def test_which_smtp_failures_are_worth_retrying() -> None:
    assert smtp_failure_is_temporary(421)
    assert smtp_failure_is_temporary(451)
    assert smtp_failure_is_temporary(None)  # the connection itself failed
    assert not smtp_failure_is_temporary(550)
    assert not smtp_failure_is_temporary(553)


def test_times_are_shown_in_vietnam() -> None:
    assert local_datetime(datetime(2026, 11, 26, 2, 30, tzinfo=UTC)) == "09:30 ngày 26/11/2026"


# --- Account links, screening decisions, withdrawals -------------------------------------------

LINK = "https://thi.lantoa.vn/tai-khoan/xac-nhan?token=abc123&next=/entries&lang=vi"
SUBMITTER = Submitter(
    account_id="acc-1", email="tacgia@demo.lantoa.vn", display_name="Lộc Thị Mai", language="vi"
)
SCRIPT_REASON = "Thiếu bản dịch <script>alert('x')</script> & ảnh\nDòng thứ hai"
AT = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)  # 09:30 in Vietnam

ACCOUNT_CONTEXT = {
    "name": "Hoàng Văn Tư",
    "link": LINK,
    "expires_at": "09:30 ngày 26/11/2026",
    "roles": ("Ban Tổ chức", "Tổ Thư ký"),
}
SCREENING_CONTEXT = {
    "name": "Lộc Thị Mai",
    "code": "LS26-BC-0007",
    "title": None,
    "reason": SCRIPT_REASON,
    "decided_at": "09:30 ngày 26/11/2026",
    "entries_url": "http://127.0.0.1:8001/entries",
}
WITHDRAWN_CONTEXT = {
    "name": "Lộc Thị Mai",
    "code": "LS26-BC-0007",
    "title": "Người gác rừng",
    "withdrawn_at": "09:30 ngày 26/11/2026",
    "entries_url": "http://127.0.0.1:8001/entries",
}
JUROR_CONTEXT = {
    "name": "Lương Văn Minh",
    "contest_title": "Cuộc thi viết về gương người tốt, việc tốt",
    "round_name": "Vòng sơ khảo",
    "assigned": 12,
    "remaining": 5,
    "total": 12,
    "deadline": "17:00 ngày 10/12/2026",
    "link": "http://127.0.0.1:8002/rounds/r-1",
    "note": "Xin thầy hoàn thành <b>sớm</b>",
}
NEW_TEMPLATES: dict[str, dict[str, Any]] = {
    "account_verify_email": ACCOUNT_CONTEXT,
    "account_reset_password": ACCOUNT_CONTEXT,
    "account_staff_invitation": ACCOUNT_CONTEXT,
    "entry_screening_accepted": SCREENING_CONTEXT,
    "entry_screening_revision": SCREENING_CONTEXT,
    "entry_screening_rejected": SCREENING_CONTEXT,
    "entry_withdrawn": WITHDRAWN_CONTEXT,
    "juror_assigned": JUROR_CONTEXT,
    "juror_reminder": JUROR_CONTEXT,
}


class _Links(HTMLParser):
    """The href of every <a>, and the visible text, as a reader's mail client decodes them."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(v or "" for k, v in attrs if k == "href")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("template", sorted(NEW_TEMPLATES))
def test_each_new_template_renders_in_both_languages(template: str) -> None:
    context = NEW_TEMPLATES[template]
    vi = render(template, "vi", context)
    en = render(template, "en", context)
    for message, greeting in ((vi, "Kính gửi"), (en, "Dear")):
        assert message.subject.startswith("[Lan Toả] ")
        assert "\n" not in message.subject
        assert message.text.startswith(f"{greeting} {context['name']},")
        assert f"{greeting} {context['name']}," in message.html
        assert "{{" not in message.text and "{%" not in message.html
    assert vi.language == "vi" and en.language == "en"
    assert vi.subject != en.subject and vi.text != en.text


def test_account_subjects_say_what_the_mail_is_for() -> None:
    assert (
        render("account_verify_email", "vi", ACCOUNT_CONTEXT).subject
        == "[Lan Toả] Xác nhận địa chỉ e-mail của bạn"
    )
    reset = render("account_reset_password", "vi", ACCOUNT_CONTEXT)
    assert reset.subject == "[Lan Toả] Đặt lại mật khẩu"
    assert "Nếu bạn không yêu cầu, hãy bỏ qua thư này." in reset.text
    assert "Nếu bạn không yêu cầu, hãy bỏ qua thư này." in reset.html


@pytest.mark.parametrize(
    "template", ["account_verify_email", "account_reset_password", "account_staff_invitation"]
)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_link_survives_html_escaping_exactly(template: str, language: str) -> None:
    message = render(template, language, ACCOUNT_CONTEXT)
    assert LINK in message.text.splitlines()  # on a line of its own: clients make it clickable
    links = parsed(message.html)
    assert links.hrefs and all(href == LINK for href in links.hrefs)
    assert LINK in "".join(links.text)  # the fallback a reader can copy
    assert "&amp;amp;" not in message.html  # never escaped twice
    assert "09:30 ngày 26/11/2026" in message.text


def test_an_invitation_names_the_roles_in_vietnamese() -> None:
    assert role_names(["organizer", "secretariat", "juror", "operator"], "vi") == (
        "Ban Tổ chức",
        "Tổ Thư ký",
        "Giám khảo",
        "Vận hành",
    )
    assert role_names(["secretariat"], "en") == ("Secretariat (Tổ Thư ký)",)
    assert role_names(["auditor"], "vi") == ("auditor",)  # unknown: shown, not dropped
    message = render("account_staff_invitation", "vi", ACCOUNT_CONTEXT)
    assert "với vai trò: Ban Tổ chức, Tổ Thư ký." in message.text
    assert "Ban Tổ chức, Tổ Thư ký" in message.html
    bare = render("account_staff_invitation", "vi", {**ACCOUNT_CONTEXT, "roles": ()})
    assert "vai trò" not in bare.text


@pytest.mark.parametrize(
    "template", ["entry_screening_accepted", "entry_screening_revision", "entry_screening_rejected"]
)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_secretariats_reason_is_escaped_in_html(template: str, language: str) -> None:
    message = render(template, language, SCREENING_CONTEXT)
    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; ảnh" in message.html
    assert SCRIPT_REASON in message.text  # plain text shows what the secretariat typed
    assert "LS26-BC-0007" in message.subject
    assert "http://127.0.0.1:8001/entries" in message.text
    assert parsed(message.html).hrefs == ["http://127.0.0.1:8001/entries"]


def test_withdrawal_confirms_code_title_and_time() -> None:
    vi = render("entry_withdrawn", "vi", WITHDRAWN_CONTEXT)
    assert vi.subject == "[Lan Toả] Đã rút bài dự thi LS26-BC-0007"
    for part in (vi.text, vi.html):
        assert "LS26-BC-0007" in part
        assert "Người gác rừng" in part
        assert "09:30 ngày 26/11/2026" in part


def test_times_in_english_mails_name_the_clock() -> None:
    assert local_datetime(AT, "en") == "26/11/2026 09:30 (Vietnam time)"
    assert local_datetime(AT, "vi") == local_datetime(AT) == "09:30 ngày 26/11/2026"


def account_payload(
    purpose: AccountEmailPurpose, **changes: object
) -> AccountEmailRequestedPayload:
    fields: dict[str, object] = {
        "account_id": "acc-2",
        "purpose": purpose,
        "email": "thuky@demo.lantoa.vn",
        "display_name": "Hoàng Văn Tư",
        "language": "en",
        "link": LINK,
        "expires_at": AT,
        "roles": ("secretariat",),
    }
    return AccountEmailRequestedPayload.model_validate({**fields, **changes})


@pytest.mark.parametrize(
    ("purpose", "template"),
    [
        (AccountEmailPurpose.VERIFY_EMAIL, "account_verify_email"),
        (AccountEmailPurpose.RESET_PASSWORD, "account_reset_password"),
        (AccountEmailPurpose.STAFF_INVITATION, "account_staff_invitation"),
    ],
)
def test_an_account_mail_is_chosen_by_purpose(purpose: AccountEmailPurpose, template: str) -> None:
    message = account_message(account_payload(purpose))
    assert message.template == template
    assert message.recipient == "thuky@demo.lantoa.vn"
    assert message.language == "en"
    assert message.context["link"] == LINK
    assert message.context["expires_at"] == "26/11/2026 09:30 (Vietnam time)"
    assert message.context["roles"] == ("Secretariat (Tổ Thư ký)",)
    assert account_message(account_payload(purpose, language="tyz")).language == "vi"


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "/tai-khoan/xac-nhan?t=1", " https://x.vn"]
)
def test_an_account_link_must_be_absolute(link: str) -> None:
    with pytest.raises(ValueError, match="absolute"):
        account_message(account_payload(AccountEmailPurpose.VERIFY_EMAIL, link=link))


def screened(decision: ScreeningDecision, entry: AnonymisedEntry | None) -> EntryScreenedPayload:
    return EntryScreenedPayload(
        entry_id="e-1",
        code="LS26-BC-0007",
        category_id="cat-1",
        version=1,
        decision=decision,
        reason="  Thiếu bản dịch  " if decision != ScreeningDecision.ACCEPTED else None,
        decided_at=AT,
        entry=entry,
        submitter=SUBMITTER,
    )


def test_a_screening_mail_follows_the_decision() -> None:
    entry = AnonymisedEntry(
        code="LS26-BC-0007",
        category_id="cat-1",
        category_code="BC",
        category_name="Báo in, báo điện tử",
        title="Người gác rừng",
        language="vi",
        synopsis="",
        series_parts=1,
        files=(),
    )
    accepted = screening_message(screened(ScreeningDecision.ACCEPTED, entry), "http://p.vn/")
    assert accepted.template == "entry_screening_accepted"
    assert accepted.context["title"] == "Người gác rừng"
    assert accepted.context["reason"] is None
    assert accepted.context["entries_url"] == "http://p.vn/entries"
    revision = screening_message(
        screened(ScreeningDecision.REVISION_REQUESTED, None), "http://p.vn"
    )
    assert revision.template == "entry_screening_revision"
    assert revision.context["title"] is None  # not in the event: the code identifies the entry
    assert revision.context["reason"] == "Thiếu bản dịch"
    assert revision.recipient == "tacgia@demo.lantoa.vn"
    rejected = screening_message(screened(ScreeningDecision.REJECTED, None), "http://p.vn")
    assert rejected.template == "entry_screening_rejected"
    assert "Thiếu bản dịch" in render(rejected.template, rejected.language, rejected.context).text


def test_a_withdrawal_mail_shows_local_time() -> None:
    payload = EntryWithdrawnPayload(
        entry_id="e-1",
        code="LS26-BC-0007",
        category_id="cat-1",
        title="Người gác rừng",
        withdrawn_at=AT,
        submitter=SUBMITTER,
    )
    message = withdrawal_message(payload, "http://p.vn")
    assert message.template == "entry_withdrawn"
    assert message.context["withdrawn_at"] == "09:30 ngày 26/11/2026"
    assert message.context["entries_url"] == "http://p.vn/entries"
