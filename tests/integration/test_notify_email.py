"""E-mail through real SMTP servers: STARTTLS or TLS with a login, the parts and headers every
message carries, temporary failures retried with backoff until they pass, permanent ones not
retried, and a server that is down for a while losing nothing and sending nothing twice."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.smtp import AuthResult, LoginPassword

from shared.auth import Role
from shared.contracts.submissions import (
    AccountEmailPurpose,
    AccountEmailRequested,
    AccountEmailRequestedPayload,
)
from tests.conftest import DatabaseTarget
from tests.support.infra import Infra
from tests.support.notify import Notify, notify_running
from tests.support.smtp import SmtpSink
from tests.support.tls import make_certificates

USER, PASSWORD = "lantoa-mailer", "mật-khẩu-SMTP-dài"


def reset_link(n: int) -> AccountEmailRequested:
    return AccountEmailRequested(
        payload=AccountEmailRequestedPayload(
            account_id=f"acc-{n}",
            purpose=AccountEmailPurpose.RESET_PASSWORD,
            email=f"nguoi{n}@demo.lantoa.vn",
            display_name=f"Người số {n}",
            link=f"https://thi.lantoa.vn/reset?token=t{n}",
            expires_at="2026-12-01T00:00:00Z",  # type: ignore[arg-type]
        )
    )


class Logins:
    """aiosmtpd authenticator: only our mailer's account."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.seen.append(mechanism)
        ok = data.login.decode() == USER and data.password.decode() == PASSWORD
        return AuthResult(success=ok, handled=False)


@pytest.mark.parametrize("security", ["starttls", "tls"])
async def test_mail_goes_over_tls_with_a_login_and_carries_what_a_mail_needs(
    infra: Infra, database: DatabaseTarget, tmp_path: Path, security: str
) -> None:
    certificates = make_certificates(tmp_path / "tls")
    logins = Logins()
    tls = certificates.server_context()
    options: dict[str, Any] = {"authenticator": logins}
    if security == "starttls":  # no login before the STARTTLS
        options.update(tls_context=tls, require_starttls=True, auth_require_tls=True)
    else:  # TLS from the first byte (aiosmtpd does not count it as TLS for AUTH)
        options.update(ssl_context=tls, auth_require_tls=False)
    sink = SmtpSink(**options).start()
    try:
        async with notify_running(
            infra,
            database,
            sink,
            smtp_security=security,
            smtp_username=USER,
            smtp_password=PASSWORD,
            smtp_ca_file=certificates.ca_file,
        ) as notify:
            event = reset_link(1)
            await notify.feed(event)
            [row] = await notify.settled()
            assert row.status == "sent", row.last_error
            [(sender, rcpts)] = sink.envelopes()
            [message] = sink.messages()
    finally:
        sink.stop()
    assert logins.seen and set(logins.seen) <= {"LOGIN", "PLAIN"}
    # A return path per message, so a bounce names the delivery it is about.
    assert sender == f"bounce+{row.delivery_id}@lantoa.local"
    assert rcpts == ["nguoi1@demo.lantoa.vn"]
    assert message["Message-ID"] == f"<{row.delivery_id}@lantoa.local>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Lantoa-Delivery"] == row.delivery_id
    assert message.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in message.iter_parts()]
    assert kinds == ["text/plain", "text/html"]
    assert "https://thi.lantoa.vn/reset?token=t1" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


async def test_a_wrong_smtp_password_waits_for_the_operator(
    infra: Infra, database: DatabaseTarget, tmp_path: Path
) -> None:
    certificates = make_certificates(tmp_path / "tls")
    sink = SmtpSink(
        authenticator=Logins(), tls_context=certificates.server_context(), require_starttls=True
    ).start()
    try:
        async with notify_running(
            infra,
            database,
            sink,
            smtp_security="starttls",
            smtp_username=USER,
            smtp_password="sai",
            smtp_ca_file=certificates.ca_file,
        ) as notify:
            await notify.feed(reset_link(2))

            def tried_twice(rows: list[Any]) -> bool:
                return bool(rows) and rows[0].attempts >= 2

            [row] = await notify.settled(tried_twice)
            assert row.status in ("queued", "sending")  # not given up, not sent
            assert "SMTP login refused" in (row.last_error or "")
    finally:
        sink.stop()
    assert sink.messages() == []


async def test_temporary_refusals_are_retried_and_permanent_ones_are_not(
    infra: Infra, database: DatabaseTarget
) -> None:
    sink = SmtpSink().start()
    try:
        async with notify_running(infra, database, sink) as notify:
            sink.reply_code, sink.reply_text = 451, "4.3.0 mailbox busy, try later"
            await notify.feed(reset_link(3))
            [row] = await notify.settled(lambda rows: bool(rows) and rows[0].attempts >= 2)
            assert row.status in ("queued", "sending") and "451" in (row.last_error or "")
            sink.reply_code = None
            [row] = await notify.settled()
            assert row.status == "sent" and row.attempts >= 2
            log = await attempts(notify, row.delivery_id)
            assert log.count("temporary") >= 1 and log[-1] == "sent"

            sink.reply_code, sink.reply_text = 550, "5.1.1 no such user"
            event = reset_link(4)
            await notify.feed(event)
            await notify.settled(
                lambda rows: any(
                    r.source_event_id == event.event_id and r.status == "failed" for r in rows
                )
            )
            refused = (await notify.deliveries(source_event_id=event.event_id))[0]
            assert refused.attempts == 1  # a permanent refusal is never tried again
            assert "550" in (refused.last_error or "")
            await asyncio.sleep(1.0)  # several retry periods: still one attempt
            refused = (await notify.deliveries(source_event_id=event.event_id))[0]
            assert (refused.status, refused.attempts) == ("failed", 1)
            failed = await notify_events(notify, "lantoa.notify.notification_failed.v1")
            assert refused.delivery_id in failed
    finally:
        sink.stop()


async def test_an_smtp_server_down_for_a_while_loses_nothing_and_sends_nothing_twice(
    infra: Infra, database: DatabaseTarget
) -> None:
    sink = SmtpSink().start()
    sink.stop()  # down from the start
    try:
        async with notify_running(infra, database, sink) as notify:
            events = [reset_link(n) for n in range(10, 40)]
            await notify.feed(*events)
            await notify.settled(
                lambda rows: len(rows) == 30 and all(r.attempts >= 2 for r in rows)
            )
            assert sink.messages() == []
            sink.restart()
            await notify.feed(*events[:5])  # and the bus delivers some again meanwhile
            rows = await notify.settled()
            assert [r.status for r in rows] == ["sent"] * 30
        counts = Counter(str(m["To"]) for m in sink.messages())
        assert len(counts) == 30 and set(counts.values()) == {1}
    finally:
        sink.stop()


async def attempts(notify: Notify, delivery_id: str) -> list[str]:
    response = await notify.as_role(Role.OPERATOR).get(f"/api/deliveries/{delivery_id}")
    assert response.status_code == 200, response.text
    return [a["outcome"] for a in response.json()["attempt_log"]]


async def notify_events(notify: Notify, subject: str) -> set[str]:
    table = notify.runtime.outbox.table
    async with notify.runtime.db.reading() as session:
        rows = await session.execute(sa.select(table.c.body).where(table.c.subject == subject))
        return {json.loads(body)["payload"]["delivery_id"] for (body,) in rows}
