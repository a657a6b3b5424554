"""The tracer: one entry through all four services over HTTP and the real bus.

organizer publishes a contest → contestant signs in, uploads a file straight to storage with a
presigned URL, and submits → submissions verifies the object and emits EntrySubmitted →
judging's projection lists the entry → notify e-mails a receipt to a real SMTP server →
publish shows the contest and its entry count.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from xml.etree import ElementTree

import httpx
import pytest

from tests.conftest import POSTGRES_URL, _require_postgres
from tests.support import samples
from tests.support.client import Api, sign_in, upload_file
from tests.support.flows import author, contest_body, entry_body, eventually
from tests.support.infra import drop_schema, new_schema
from tests.support.smtp import SmtpSink
from tests.support.stack import DatabaseChoice, Stack

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

TRACER_TITLE = "Cuộc thi viết về gương người tốt, việc tốt (thử nghiệm)"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def stack(
    request: pytest.FixtureRequest, infra, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, SmtpSink]]:  # type: ignore[no-untyped-def]
    tmp_path = tmp_path_factory.mktemp(f"stack-{request.param}")
    database = DatabaseChoice()
    if request.param == "postgres":
        database = DatabaseChoice(_require_postgres(), new_schema())
    smtp = SmtpSink().start()
    stack = Stack(infra, tmp_path, database=database, smtp_port=smtp.port)
    stack.seed()
    stack.start_all()
    try:
        yield stack, smtp
    finally:
        codes = stack.stop_all()
        smtp.stop()
        if database.postgres_url and POSTGRES_URL:
            for name in ("submissions", "judging", "notify", "publish"):
                asyncio.run(drop_schema(POSTGRES_URL, f"{database.schema_prefix}_{name}"))
        # Stopped gracefully on SIGTERM: uvicorn re-raises the signal once shutdown is complete.
        assert all(code in (0, -signal.SIGTERM) for code in codes.values()), codes
        for name in codes:
            assert '"service stopped"' in stack.log(name), f"{name} did not finish its shutdown"


def test_one_entry_travels_through_all_four_services(stack, infra) -> None:  # type: ignore[no-untyped-def]
    stack, smtp = stack
    subs = stack.url("submissions")
    organizer = Api(subs, sign_in(subs, "bantochuc@demo.lantoa.vn"))
    contestant = Api(subs, sign_in(subs, "tacgia@demo.lantoa.vn"))
    secretariat_token = sign_in(subs, "thuky@demo.lantoa.vn")

    # The organizer creates and publishes a contest.
    created = organizer.post("/api/contests", contest_body("TR26", TRACER_TITLE))
    assert created.status_code == 201, created.text
    contest_id = created.json()["contest_id"]
    published = organizer.post(f"/api/contests/{contest_id}/publish", {})
    assert published.status_code == 200 and published.json()["version"] == 1
    # A contestant cannot create contests.
    assert contestant.post("/api/contests", contest_body("XX26")).status_code == 403

    # The contestant drafts an entry and uploads a file straight to storage.
    entry = contestant.post(
        "/api/entries",
        entry_body(
            contest_id, "Người gác rừng bản Khuổi", authors=[author("tacgia@demo.lantoa.vn")]
        ),
    )
    assert entry.status_code == 201, entry.text
    entry_id = entry.json()["entry_id"]
    result = upload_file(contestant, entry_id, "bai-du-thi.pdf", samples.pdf())
    assert result.status == "verified", result.file
    assert result.file["kind"] == "text" and result.file["media_type"] == "application/pdf"

    correlation = "tracer-" + str(time.time_ns())
    submitted = contestant.post(
        f"/api/entries/{entry_id}/submit", headers={"X-Correlation-ID": correlation}
    )
    assert submitted.status_code == 200, submitted.text
    code = submitted.json()["code"]
    assert code == "TR26-BC-0001"

    # The secretariat accepts it; judging's projection then lists the entry, without anything
    # that identifies its author.
    secretariat = Api(subs, secretariat_token)
    screening_correlation = "screening-" + str(time.time_ns())
    accepted = secretariat.post(
        f"/api/screening/entries/{entry_id}/decision",
        {"decision": "accepted"},
        headers={"X-Correlation-ID": screening_correlation},
    )
    assert accepted.status_code == 200, accepted.text
    judging = Api(stack.url("judging"), secretariat_token)
    entries = eventually(
        lambda: (
            [
                e
                for e in judging.get(f"/api/contests/{contest_id}/entries").json()
                if e["code"] == code
            ]
            if judging.get(f"/api/contests/{contest_id}/entries").status_code == 200
            else None
        ),
        what="judging lists the entry",
    )
    assert entries[0]["title"] == "Người gác rừng bản Khuổi"
    assert "tacgia" not in str(entries) and "Lộc Thị Mai" not in str(entries)
    assert (
        Api(stack.url("judging"), contestant.token)
        .get(f"/api/contests/{contest_id}/entries")
        .status_code
        == 403
    )

    # Notify e-mails the receipt to a real SMTP server.
    messages = smtp.wait_for(lambda ms: any(code in str(m["Subject"]) for m in ms))
    receipt = next(m for m in messages if code in str(m["Subject"]))
    assert receipt["To"] == "tacgia@demo.lantoa.vn"
    assert receipt["Auto-Submitted"] == "auto-generated"
    assert receipt["Message-ID"].endswith("@lantoa.local>")
    assert "Đã nhận bài dự thi" in str(receipt["Subject"])
    text = receipt.get_body(("plain",)).get_content()
    html = receipt.get_body(("html",)).get_content()
    assert "Người gác rừng bản Khuổi" in text and code in html
    envelope_from = next(f for f, _, m in smtp.received if m is receipt)
    assert envelope_from.startswith("bounce+") and envelope_from.endswith("@lantoa.local")

    # Publish shows the contest and its entry count.
    public = eventually(
        lambda: (
            (r := httpx.get(f"{stack.url('publish')}/api/contests/TR26")).status_code == 200
            and r.json()["entries"] == 1
            and r.json()
        ),
        what="publish counts the entry",
    )
    assert public["categories"][0] == {"code": "BC", "name": "Báo in, báo điện tử", "entries": 1}
    page = httpx.get(stack.url("publish") + "/").text
    assert TRACER_TITLE in page
    old_address = httpx.get(stack.url("publish") + "/feeds/contests.atom")
    assert old_address.status_code == 301  # its entries are in the one Atom feed now
    feed = httpx.get(stack.url("publish") + "/feeds/atom.xml")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    atom = ElementTree.fromstring(feed.content)  # noqa: S314 - our own feed
    ns = {"a": "http://www.w3.org/2005/Atom"}
    item = next(
        e
        for e in atom.findall("a:entry", ns)
        if e.findtext("a:title", namespaces=ns) == TRACER_TITLE
    )
    assert item.findtext("a:id", namespaces=ns) == f"urn:lantoa:contest:{contest_id}"
    assert "1 bài dự thi đã gửi" in (item.findtext("a:summary", namespaces=ns) or "")

    # The correlation id of the submit request travelled with the event to every consumer.
    for service in ("notify", "publish"):
        assert correlation in stack.log(service), f"{service} log lacks the correlation id"
    assert screening_correlation in stack.log("judging"), "judging log lacks the correlation id"

    # Exactly one receipt, whatever happened on the bus.
    time.sleep(1.0)
    subjects = [str(m["Subject"]) for m in smtp.messages()]
    assert sum(code in s and "Đã nhận bài dự thi" in s for s in subjects) == 1


EXPECTED_CHANNELS = {
    "submissions": {
        "lantoa.submissions.contest_published.v1",
        "lantoa.submissions.entry_submitted.v1",
        "lantoa.submissions.entry_withdrawn.v1",
        "lantoa.submissions.entry_screened.v1",
        "lantoa.submissions.account_email_requested.v1",
        "lantoa.submissions.upload_completed.v1",  # its own verifier consumes it
    },
    "judging": {
        "lantoa.submissions.contest_published.v1",
        "lantoa.submissions.entry_screened.v1",
        "lantoa.judging.juror_assigned.v1",
        "lantoa.judging.score_submitted.v1",
        "lantoa.judging.round_closed.v1",
        "lantoa.judging.juror_reminder_requested.v1",
        "lantoa.judging.results_approved.v1",
    },
    "notify": {
        "lantoa.submissions.entry_submitted.v1",
        "lantoa.submissions.entry_screened.v1",
        "lantoa.submissions.entry_withdrawn.v1",
        "lantoa.submissions.account_email_requested.v1",
        "lantoa.judging.juror_assigned.v1",
        "lantoa.judging.juror_reminder_requested.v1",
        "lantoa.notify.notification_sent.v1",
    },
    "publish": {"lantoa.submissions.contest_published.v1", "lantoa.submissions.entry_submitted.v1"},
}


@pytest.mark.parametrize("service", ["submissions", "judging", "notify", "publish"])
def test_every_service_answers_for_operators(stack, service: str) -> None:  # type: ignore[no-untyped-def]
    stack, _ = stack
    url = stack.url(service)
    assert httpx.get(url + "/healthz").json() == {"status": "alive", "service": service}
    ready = httpx.get(url + "/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "bus": "ok", "storage": "ok"}

    openapi = httpx.get(url + "/openapi.json").json()
    assert "/readyz" in openapi["paths"]
    assert "swagger" in httpx.get(url + "/docs").text.lower()

    asyncapi = httpx.get(url + "/asyncapi.json").json()
    assert asyncapi["asyncapi"] == "3.0.0"
    addresses = {channel["address"] for channel in asyncapi["channels"].values()}
    assert EXPECTED_CHANNELS[service] <= addresses
    assert any(name.endswith("Payload") for name in asyncapi["components"]["schemas"])
    assert "asyncapi" in httpx.get(url + "/asyncapi").text.lower()

    metrics = httpx.get(url + "/metrics").text
    for name in (
        "lantoa_http_requests_total",
        "lantoa_http_request_duration_seconds",
        "lantoa_outbox_pending",
        "lantoa_outbox_lag_seconds",
        "lantoa_messages_total",
        "lantoa_handler_duration_seconds",
    ):
        assert f"# TYPE {name}" in metrics, name
    assert 'route="/readyz",status="200"' in metrics
    home = httpx.get(url + "/")
    if service == "judging":  # the jurors' pages: sign in (on submissions) first
        assert home.status_code == 303 and "/sign-in?next=" in home.headers["location"]
    else:
        assert home.status_code == 200 and 'lang="vi"' in home.text


def test_sign_in_does_not_tell_which_part_was_wrong(stack) -> None:  # type: ignore[no-untyped-def]
    stack, _ = stack
    url = stack.url("submissions") + "/api/auth/token"
    wrong_password = httpx.post(
        url, json={"email": "tacgia@demo.lantoa.vn", "password": "sai-mat-khau"}
    )
    unknown = httpx.post(url, json={"email": "khong-co@demo.lantoa.vn", "password": "sai-mat-khau"})
    assert wrong_password.status_code == unknown.status_code == 401
    assert (
        wrong_password.json()
        == unknown.json()
        == {"detail": "Email hoặc mật khẩu không đúng. / Wrong e-mail or password."}
    )
    token = httpx.post(url, json={"email": " TacGia@Demo.LanToa.vn ", "password": "LanToa@2026"})
    assert token.status_code == 200 and token.cookies.get("lantoa_token")
    me = httpx.get(
        stack.url("submissions") + "/api/me",
        headers={"Authorization": "Bearer " + token.json()["access_token"]},
    )
    assert me.json()["roles"] == ["contestant"]


def test_account_links_and_screening_decisions_arrive_by_email(stack) -> None:  # type: ignore[no-untyped-def]
    """Submissions asks, notify writes: the verification link reaches a real SMTP server, it
    works once, and the secretariat's decision reaches the contestant with its reason."""
    stack, smtp = stack
    subs = stack.url("submissions")
    registered = httpx.post(
        subs + "/api/accounts",
        json={"email": "moi@bantin.vn", "password": "mat-khau-2026", "display_name": "Hà Văn Mới"},
    )
    assert registered.status_code == 202
    messages = smtp.wait_for(lambda ms: any(m["To"] == "moi@bantin.vn" for m in ms))
    mail = next(m for m in messages if m["To"] == "moi@bantin.vn")
    text = mail.get_body(("plain",)).get_content()
    link = next(word for word in text.split() if word.startswith(subs + "/account/verify?token="))
    token = link.split("token=", 1)[1]
    assert httpx.post(subs + "/api/accounts/verify", json={"token": token}).status_code == 200
    assert httpx.post(subs + "/api/accounts/verify", json={"token": token}).status_code == 400
    contestant = Api(subs, sign_in(subs, "moi@bantin.vn", "mat-khau-2026"))

    organizer = Api(subs, sign_in(subs, "bantochuc@demo.lantoa.vn"))
    contest_id = organizer.post("/api/contests", contest_body("ML26")).json()["contest_id"]
    assert organizer.post(f"/api/contests/{contest_id}/publish", {}).status_code == 200
    entry = contestant.post(
        "/api/entries",
        entry_body(contest_id, "Bà mẹ nuôi bộ đội", authors=[author("moi@bantin.vn")]),
    ).json()
    assert upload_file(contestant, entry["entry_id"], "bai.pdf", samples.pdf()).status == "verified"
    code = contestant.post(f"/api/entries/{entry['entry_id']}/submit").json()["code"]
    secretary = Api(subs, sign_in(subs, "thuky@demo.lantoa.vn"))
    decided = secretary.post(
        f"/api/screening/entries/{entry['entry_id']}/decision",
        {"decision": "revision_requested", "reason": "Bổ sung ảnh <nhân vật> & chú thích"},
    )
    assert decided.status_code == 200, decided.text
    messages = smtp.wait_for(
        lambda ms: any(
            m["To"] == "moi@bantin.vn"
            and code in str(m["Subject"])
            and "sửa" in str(m["Subject"]).lower()
            for m in ms
        )
    )
    decision = next(
        m for m in messages if m["To"] == "moi@bantin.vn" and "sửa" in str(m["Subject"]).lower()
    )
    assert "Bổ sung ảnh <nhân vật> & chú thích" in decision.get_body(("plain",)).get_content()
    assert "&lt;nhân vật&gt;" in decision.get_body(("html",)).get_content()
